/** A province with communes and party organisations, as a client would import it (ORG-1 before 2025-07-01). */
export function provinceRows(prefix: string, provinceName: string, validFrom = '2020-10-15') {
  const party = (code: string, name: string, kind: string, level: string, parentCode: string | null) => ({
    code: `${prefix}-${code}`,
    name,
    kind,
    level,
    block: 'party',
    parentCode: parentCode ? `${prefix}-${parentCode}` : null,
    validFrom,
  });
  return [
    party('TU', `Tỉnh ủy ${provinceName}`, 'party_committee', 'province', null),
    party('UBKT', `Ủy ban Kiểm tra Tỉnh ủy ${provinceName}`, 'inspection_commission', 'province', 'TU'),
    party('HU1', `Huyện ủy thứ nhất ${provinceName}`, 'party_committee', 'district', 'TU'),
    party('X1', `Đảng ủy xã Một ${provinceName}`, 'party_committee', 'commune', 'HU1'),
    party('X1-CB1', 'Chi bộ thôn Đông', 'party_cell', 'grassroots', 'X1'),
    party('X1-CB2', 'Chi bộ thôn Tây', 'party_cell', 'grassroots', 'X1'),
    party('X2', `Đảng ủy xã Hai ${provinceName}`, 'party_committee', 'commune', 'HU1'),
    party('X2-CS', 'Đảng bộ Trường Trung học phổ thông', 'grassroots_party_organisation', 'grassroots', 'X2'),
  ];
}
