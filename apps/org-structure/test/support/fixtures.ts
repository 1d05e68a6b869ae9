import type { ImportRow } from '@contracts/org-structure';

/** Two provinces as they stood before 1 July 2025 (ORG-1: with the district level), for import. */
export function twoProvinces(validFrom = '2020-10-15'): ImportRow[] {
  const row = (code: string, name: string, kind: ImportRow['kind'], level: ImportRow['level'], parentCode: string | null, block: ImportRow['block'] = 'party'): ImportRow => ({
    code,
    name,
    kind,
    level,
    block,
    parentCode,
    validFrom,
  });
  return [
    row('TU-BG', 'Tỉnh ủy Bắc Giang', 'party_committee', 'province', null),
    row('BTC-BG', 'Ban Tổ chức Tỉnh ủy Bắc Giang', 'committee_organ', 'province', 'TU-BG'),
    row('HU-LN', 'Huyện ủy Lục Nam', 'party_committee', 'district', 'TU-BG'),
    row('DU-BD', 'Đảng ủy xã Bảo Đài', 'party_committee', 'commune', 'HU-LN'),
    row('CB-BD-1', 'Chi bộ thôn Đồng Con', 'party_cell', 'grassroots', 'DU-BD'),
    row('DU-TS', 'Đảng ủy xã Tam Dị', 'party_committee', 'commune', 'HU-LN'),
    row('TU-BN', 'Tỉnh ủy Bắc Ninh', 'party_committee', 'province', null),
    row('HU-TD', 'Huyện ủy Tiên Du', 'party_committee', 'district', 'TU-BN'),
    row('DU-PT', 'Đảng ủy xã Phật Tích', 'party_committee', 'commune', 'HU-TD'),
    row('UBND-BN', 'Ủy ban nhân dân tỉnh Bắc Ninh', 'peoples_committee', 'province', null, 'state'),
  ];
}
