// A synthetic national organisation tree with its restructuring history, for the tree-query and bulk-import
// benchmarks. Deterministic: the same scale always yields the same files, so runs are comparable.
//
//   units.csv            code,name,shortName,kind,level,block,parentCode,validFrom — parents before children,
//                        every unit valid from 2020-10-15; the input of `node apps/org-structure/dist/cli.js import`.
//   restructurings.json  an array of POST /api/v1/org/restructurings bodies in the order they apply (dates
//                        ascending), every operation naming units by {code} (or by a {ref} created in the same body):
//                        commune moves and renames (2022-2023), commune mergers (2024), the merger of party organs
//                        (2025-02-01) and of provincial departments (2025-03-01), and on 2025-07-01 the provincial
//                        merger of 52 provinces into 23 (202/2025/QH15; bodies per group of provinces), the end of
//                        the district level in the 11 other provinces, and commune mergers under the new provinces.
//
// The shape follows the real system: 63 provinces and cities under the Central Committee, each with its party
// organs, a bloc party committee, the provincial People's Committee with its departments and public service units,
// the Fatherland Front and five mass organisations; districts with their organs and party organisations; communes
// with grassroots party organisations and party cells. `scale` sets how many districts and communes there are:
//   small     ≈ 20,000 units (the default)
//   medium    ≈ 100,000 units
//   national  ≥ 400,000 units (≈ 700 districts, ≈ 10,000 communes)
//
// The generator keeps a model of the tree and applies every operation it writes to that model, so each reference
// is valid (alive, at an allowed level, no children left when dissolved) when the platform applies it in order.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const SCALES = {
  small: { districtFactor: 0.22, communes: [2, 4], cellsPerCommune: [10, 18], psu: [0, 2], blocOrgs: [3, 5], communeMergers2025: 1 },
  medium: { districtFactor: 0.5, communes: [5, 10], cellsPerCommune: [12, 22], psu: [1, 4], blocOrgs: [6, 10], communeMergers2025: 2 },
  national: { districtFactor: 1, communes: [9, 20], cellsPerCommune: [15, 28], psu: [2, 6], blocOrgs: [12, 20], communeMergers2025: 4 },
};

export const VALID_FROM = '2020-10-15';
export const MERGER_DATE = '2025-07-01';
export const MERGER_DECISION = '202/2025/QH15';
const CSV_HEADER = 'code,name,shortName,kind,level,block,parentCode,validFrom';
const LEVELS = ['central', 'province', 'district', 'commune', 'grassroots'];
/**
 * The request schema allows 1,000 operations a body and NATS messages carry 1 MB, but the service's audit record
 * of a restructuring lists one event subject per operation within 16,384 characters: about 600 operations.
 */
const MAX_OPERATIONS = 500;
const MAX_BODY_CHARS = 900_000;

// The 63 provinces and centrally-run cities before 2025-07-01: code, name, city?, region, districts (≈ real counts).
const PROVINCES = [
  ['HN', 'Hà Nội', true, 'delta', 30], ['HG', 'Hà Giang', false, 'mountain', 11], ['CB', 'Cao Bằng', false, 'mountain', 10],
  ['BK', 'Bắc Kạn', false, 'mountain', 8], ['TQ', 'Tuyên Quang', false, 'mountain', 7], ['LC', 'Lào Cai', false, 'mountain', 9],
  ['DB', 'Điện Biên', false, 'mountain', 10], ['LCH', 'Lai Châu', false, 'mountain', 8], ['SL', 'Sơn La', false, 'mountain', 12],
  ['YB', 'Yên Bái', false, 'mountain', 9], ['HB', 'Hòa Bình', false, 'mountain', 10], ['TN', 'Thái Nguyên', false, 'mountain', 9],
  ['LS', 'Lạng Sơn', false, 'mountain', 11], ['QN', 'Quảng Ninh', false, 'delta', 13], ['BG', 'Bắc Giang', false, 'delta', 10],
  ['PT', 'Phú Thọ', false, 'delta', 13], ['VP', 'Vĩnh Phúc', false, 'delta', 9], ['BN', 'Bắc Ninh', false, 'delta', 8],
  ['HD', 'Hải Dương', false, 'delta', 12], ['HP', 'Hải Phòng', true, 'delta', 15], ['HY', 'Hưng Yên', false, 'delta', 10],
  ['TB', 'Thái Bình', false, 'delta', 8], ['HNA', 'Hà Nam', false, 'delta', 6], ['ND', 'Nam Định', false, 'delta', 10],
  ['NB', 'Ninh Bình', false, 'delta', 8], ['TH', 'Thanh Hóa', false, 'central', 26], ['NA', 'Nghệ An', false, 'central', 21],
  ['HT', 'Hà Tĩnh', false, 'central', 13], ['QB', 'Quảng Bình', false, 'central', 8], ['QT', 'Quảng Trị', false, 'central', 10],
  ['TTH', 'Thừa Thiên Huế', false, 'central', 9], ['DN', 'Đà Nẵng', true, 'central', 8], ['QNA', 'Quảng Nam', false, 'central', 18],
  ['QNG', 'Quảng Ngãi', false, 'central', 13], ['BD', 'Bình Định', false, 'central', 11], ['PY', 'Phú Yên', false, 'central', 9],
  ['KH', 'Khánh Hòa', false, 'central', 9], ['NT', 'Ninh Thuận', false, 'central', 7], ['BTH', 'Bình Thuận', false, 'central', 10],
  ['KT', 'Kon Tum', false, 'highland', 10], ['GL', 'Gia Lai', false, 'highland', 17], ['DL', 'Đắk Lắk', false, 'highland', 15],
  ['DNO', 'Đắk Nông', false, 'highland', 8], ['LD', 'Lâm Đồng', false, 'highland', 12], ['BP', 'Bình Phước', false, 'south', 11],
  ['TNI', 'Tây Ninh', false, 'south', 9], ['BDU', 'Bình Dương', false, 'south', 9], ['DNA', 'Đồng Nai', false, 'south', 11],
  ['BV', 'Bà Rịa - Vũng Tàu', false, 'south', 8], ['HCM', 'Hồ Chí Minh', true, 'south', 22], ['LA', 'Long An', false, 'south', 15],
  ['TG', 'Tiền Giang', false, 'south', 11], ['BT', 'Bến Tre', false, 'south', 9], ['TV', 'Trà Vinh', false, 'south', 9],
  ['VL', 'Vĩnh Long', false, 'south', 8], ['DT', 'Đồng Tháp', false, 'south', 12], ['AG', 'An Giang', false, 'south', 11],
  ['KG', 'Kiên Giang', false, 'south', 15], ['CT', 'Cần Thơ', true, 'south', 9], ['HGI', 'Hậu Giang', false, 'south', 8],
  ['ST', 'Sóc Trăng', false, 'south', 11], ['BL', 'Bạc Liêu', false, 'south', 7], ['CM', 'Cà Mau', false, 'south', 9],
].map(([code, name, city, region, districts]) => ({ code, name, city, region, districts }));

/** Resolution 202/2025/QH15: the first province of each group continues; 11 provinces are not merged. */
const MERGER_GROUPS = [
  ['TQ', 'HG'], ['LC', 'YB'], ['TN', 'BK'], ['PT', 'VP', 'HB'], ['BN', 'BG'], ['HY', 'TB'], ['HP', 'HD'], ['NB', 'HNA', 'ND'],
  ['QT', 'QB'], ['DN', 'QNA'], ['QNG', 'KT'], ['GL', 'BD'], ['KH', 'NT'], ['LD', 'DNO', 'BTH'], ['DL', 'PY'],
  ['HCM', 'BDU', 'BV'], ['DNA', 'BP'], ['TNI', 'LA'], ['CT', 'ST', 'HGI'], ['VL', 'BT', 'TV'], ['DT', 'TG'], ['CM', 'BL'], ['AG', 'KG'],
];

const CENTRAL_ORGANS = [
  ['BTCTW', 'Ban Tổ chức Trung ương', 'committee_organ'], ['UBKTTW', 'Ủy ban Kiểm tra Trung ương', 'inspection_commission'],
  ['VPTW', 'Văn phòng Trung ương Đảng', 'committee_organ'], ['BTGTW', 'Ban Tuyên giáo Trung ương', 'committee_organ'],
  ['BDVTW', 'Ban Dân vận Trung ương', 'committee_organ'], ['BNCTW', 'Ban Nội chính Trung ương', 'committee_organ'],
  ['BKTTW', 'Ban Kinh tế Trung ương', 'committee_organ'], ['BDNTW', 'Ban Đối ngoại Trung ương', 'committee_organ'],
];
const MINISTRIES = [
  ['BNV', 'Bộ Nội vụ'], ['BTC', 'Bộ Tài chính'], ['BKHDT', 'Bộ Kế hoạch và Đầu tư'], ['BTP', 'Bộ Tư pháp'], ['BCT', 'Bộ Công Thương'],
  ['BNNPTNT', 'Bộ Nông nghiệp và Phát triển nông thôn'], ['BGTVT', 'Bộ Giao thông vận tải'], ['BXD', 'Bộ Xây dựng'],
  ['BTNMT', 'Bộ Tài nguyên và Môi trường'], ['BTTTT', 'Bộ Thông tin và Truyền thông'], ['BLDTBXH', 'Bộ Lao động - Thương binh và Xã hội'],
  ['BVHTTDL', 'Bộ Văn hóa, Thể thao và Du lịch'], ['BKHCN', 'Bộ Khoa học và Công nghệ'], ['BGDDT', 'Bộ Giáo dục và Đào tạo'],
  ['BYT', 'Bộ Y tế'], ['TTCP', 'Thanh tra Chính phủ'], ['VPCP', 'Văn phòng Chính phủ'], ['UBDT', 'Ủy ban Dân tộc'],
];
// Provincial departments: key, name, public service units it runs.
const DEPARTMENTS = [
  ['SNV', 'Sở Nội vụ', ['Trung tâm Lưu trữ lịch sử']],
  ['STC', 'Sở Tài chính', ['Trung tâm Tư vấn và Dịch vụ tài chính']],
  ['SKHDT', 'Sở Kế hoạch và Đầu tư', ['Trung tâm Hỗ trợ doanh nghiệp']],
  ['STP', 'Sở Tư pháp', ['Trung tâm Trợ giúp pháp lý nhà nước', 'Phòng Công chứng số 1']],
  ['SCT', 'Sở Công Thương', ['Trung tâm Khuyến công và Xúc tiến thương mại']],
  ['SNN', 'Sở Nông nghiệp và Phát triển nông thôn', ['Trung tâm Khuyến nông', 'Ban Quản lý rừng phòng hộ', 'Trung tâm Nước sạch và Vệ sinh môi trường nông thôn']],
  ['SGTVT', 'Sở Giao thông vận tải', ['Ban Quản lý dự án giao thông', 'Trung tâm Đăng kiểm xe cơ giới']],
  ['SXD', 'Sở Xây dựng', ['Trung tâm Quy hoạch xây dựng', 'Trung tâm Kiểm định chất lượng công trình xây dựng']],
  ['STNMT', 'Sở Tài nguyên và Môi trường', ['Văn phòng Đăng ký đất đai', 'Trung tâm Quan trắc tài nguyên và môi trường']],
  ['STTTT', 'Sở Thông tin và Truyền thông', ['Trung tâm Công nghệ thông tin và Truyền thông']],
  ['SLDTBXH', 'Sở Lao động - Thương binh và Xã hội', ['Trung tâm Dịch vụ việc làm', 'Trung tâm Bảo trợ xã hội', 'Trường Cao đẳng nghề']],
  ['SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', ['Bảo tàng', 'Thư viện', 'Trung tâm Văn hóa - Điện ảnh', 'Trung tâm Huấn luyện và Thi đấu thể dục thể thao']],
  ['SKHCN', 'Sở Khoa học và Công nghệ', ['Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng']],
  ['SGDDT', 'Sở Giáo dục và Đào tạo', ['Trường Trung học phổ thông chuyên', 'Trường Phổ thông dân tộc nội trú', 'Trung tâm Giáo dục thường xuyên']],
  ['SYT', 'Sở Y tế', ['Bệnh viện Đa khoa', 'Bệnh viện Sản - Nhi', 'Bệnh viện Y học cổ truyền', 'Trung tâm Kiểm soát bệnh tật', 'Bệnh viện Phổi', 'Bệnh viện Mắt']],
  ['TTR', 'Thanh tra', []],
  ['VPUB', 'Văn phòng Ủy ban nhân dân', ['Trung tâm Phục vụ hành chính công']],
  ['BDT', 'Ban Dân tộc', []],
];
// 2025-03-01 (45/2025/NĐ-CP): departments merged into another, and the name the receiving one takes.
const DEPARTMENT_MERGERS_2025 = [
  ['SKHDT', 'STC', null],
  ['SLDTBXH', 'SNV', null],
  ['STTTT', 'SKHCN', null],
  ['SGTVT', 'SXD', null],
  ['STNMT', 'SNN', 'Sở Nông nghiệp và Môi trường'],
];
const MASS_ORGANISATIONS = [
  ['LDLD', 'TLD', 'Tổng Liên đoàn Lao động Việt Nam', (p) => `Liên đoàn Lao động ${p}`],
  ['DTN', 'TWD', 'Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh', (p) => `Đoàn Thanh niên Cộng sản Hồ Chí Minh ${p}`],
  ['HPN', 'TWHPN', 'Trung ương Hội Liên hiệp Phụ nữ Việt Nam', (p) => `Hội Liên hiệp Phụ nữ ${p}`],
  ['HND', 'TWHND', 'Trung ương Hội Nông dân Việt Nam', (p) => `Hội Nông dân ${p}`],
  ['HCCB', 'TWHCCB', 'Trung ương Hội Cựu chiến binh Việt Nam', (p) => `Hội Cựu chiến binh ${p}`],
];
// Party organs of a provincial committee merged on 2025-07-01 (their counterparts in the continuing province).
const PROVINCE_ORGANS = [
  ['BTC', 'Ban Tổ chức', 'committee_organ'], ['BTG', 'Ban Tuyên giáo', 'committee_organ'], ['BDV', 'Ban Dân vận', 'committee_organ'],
  ['BNC', 'Ban Nội chính', 'committee_organ'], ['VP', 'Văn phòng', 'committee_organ'], ['UBKT', 'Ủy ban Kiểm tra', 'inspection_commission'],
];

const SYLLABLES = [
  'An', 'Bình', 'Hòa', 'Phú', 'Tân', 'Thành', 'Long', 'Hưng', 'Phước', 'Thạnh', 'Đông', 'Tây', 'Nam', 'Bắc', 'Trung', 'Hiệp',
  'Thuận', 'Lộc', 'Minh', 'Quang', 'Vĩnh', 'Xuân', 'Đức', 'Hải', 'Sơn', 'Thủy', 'Cẩm', 'Yên', 'Định', 'Mỹ', 'Hồng', 'Kim',
  'Ngọc', 'Thanh', 'Hà', 'Lâm', 'Nghĩa', 'Quý', 'Tiến', 'Thắng', 'Lợi', 'Phong', 'Tường', 'Đồng', 'Lạc', 'Hợp', 'Liên', 'Hội',
  'Cát', 'Gia', 'Khánh', 'Phúc', 'Thọ', 'Trường', 'Châu', 'Quế', 'Lương', 'Mai', 'Đào', 'Tùng', 'Bảo', 'Chính', 'Đại', 'Tiên',
  'Vạn', 'Kiến', 'Lập', 'Cao', 'Ninh', 'Dương', 'Giang', 'Khê', 'Lĩnh', 'Tràng', 'Viên', 'Vân', 'Thái', 'Thịnh', 'Trà', 'Cổ',
  'Diễn', 'Hoằng', 'Quỳnh', 'Nhân', 'Tuy', 'Điền', 'Hạnh', 'Mậu', 'Sa', 'Tam', 'Tứ', 'Ngũ', 'Song', 'Hoàng', 'Việt', 'Lê',
];
const MOUNTAIN_SYLLABLES = ['Nà', 'Pác', 'Mường', 'Sìn', 'Khuổi', 'Phìn', 'Lũng', 'Chiềng', 'Cốc', 'Tả', 'Nậm', 'Pá', 'Mù', 'Sủng', 'Quản', 'Chải', 'Hin', 'Tủa', 'Bó', 'Lùng'];
const COMPANY_WORDS = ['Cổ phần Xây dựng', 'TNHH Thương mại', 'Cổ phần May', 'TNHH Một thành viên Thủy lợi', 'Cổ phần Chế biến Nông sản', 'Cổ phần Cấp nước', 'TNHH Cơ khí', 'Cổ phần Vận tải'];

/** Writes `units.csv` and `restructurings.json` into `dir` and returns what it wrote. */
export async function writeDataset({ scale = 'small', dir }) {
  const settings = SCALES[scale];
  if (!settings) throw new Error(`unknown scale "${scale}": use ${Object.keys(SCALES).join(', ')}`);
  mkdirSync(dir, { recursive: true });
  const files = { units: join(dir, 'units.csv'), restructurings: join(dir, 'restructurings.json') };
  const out = new CsvWriter(files.units);
  const generator = new Generator(scale, settings, out);
  try {
    generator.buildTree();
  } finally {
    out.close();
  }
  const restructurings = generator.history();
  writeFileSync(files.restructurings, `[\n${restructurings.map((body) => JSON.stringify(body)).join(',\n')}\n]\n`);
  const largest = Math.max(...restructurings.map((body) => JSON.stringify(body).length));
  return {
    units: generator.written,
    restructurings: restructurings.length,
    operations: restructurings.reduce((n, body) => n + body.operations.length, 0),
    largestBodyChars: largest,
    files,
    counts: generator.counts,
    probes: generator.probes,
  };
}

/** Writes each restructuring body of `restructurings.json` to its own file, for `cli.js restructure <file>`. */
export function splitRestructurings(restructurings, dir) {
  mkdirSync(dir, { recursive: true });
  return restructurings.map((body, index) => {
    const file = join(dir, `${String(index + 1).padStart(3, '0')}-${body.effectiveDate}.json`);
    writeFileSync(file, JSON.stringify(body));
    return { file, body };
  });
}

class Generator {
  constructor(scale, settings, out) {
    this.scale = scale;
    this.s = settings;
    this.random = mulberry32(seedOf(scale));
    this.out = out;
    this.units = new Map();
    this.written = 0;
    this.counts = {};
    this.probes = {};
    this.usedNames = new Set();
  }

  // ---- the tree as of 2020-10-15 -------------------------------------------------------------------------------

  buildTree() {
    this.add({ code: 'TW', name: 'Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam', shortName: 'BCH TW', kind: 'party_committee', level: 'central', block: 'party' }, null);
    for (const [code, name, kind] of CENTRAL_ORGANS) this.add({ code, name, kind, level: 'central', block: 'party' }, 'TW');
    this.add({ code: 'QH', name: 'Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam', shortName: 'Quốc hội', kind: 'council', level: 'central', block: 'state' }, null);
    this.add({ code: 'CP', name: 'Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam', shortName: 'Chính phủ', kind: 'state_agency', level: 'central', block: 'state' }, null);
    for (const [code, name] of MINISTRIES) this.add({ code, name, kind: 'state_agency', level: 'central', block: 'state' }, 'CP');
    this.add({ code: 'MTTQ-TW', name: 'Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam', shortName: 'UBTW MTTQ VN', kind: 'front', level: 'central', block: 'front' }, null);
    for (const [, code, name] of MASS_ORGANISATIONS) this.add({ code, name, kind: 'mass_organisation', level: 'central', block: 'front' }, null);
    for (const province of PROVINCES) this.buildProvince(province);
  }

  buildProvince(p) {
    const X = p.code;
    const of = p.city ? `thành phố ${p.name}` : `tỉnh ${p.name}`;
    const committee = p.city ? 'Thành ủy' : 'Tỉnh ủy';
    p.committeeName = `${committee} ${p.name}`;
    const tu = `TU-${X}`;
    this.add({ code: tu, name: `${committee} ${p.name}`, shortName: `TU ${p.name}`, kind: 'party_committee', level: 'province', block: 'party' }, 'TW');
    for (const [key, organ, kind] of PROVINCE_ORGANS) {
      this.add({ code: `${key}-TU-${X}`, name: `${organ} ${committee} ${p.name}`, kind, level: 'province', block: 'party' }, tu);
    }
    this.add({ code: `BCSD-UBND-${X}`, name: `Ban cán sự đảng Ủy ban nhân dân ${of}`, kind: 'party_organisation', level: 'province', block: 'party' }, tu);
    this.add({ code: `TCT-${X}`, name: `Trường Chính trị ${of}`, kind: 'public_service_unit', level: 'province', block: 'public_service' }, tu);
    // The bloc party committee of provincial agencies, the military and the police, each with grassroots organisations.
    const blocs = [
      [`DUK-${X}`, `Đảng ủy Khối các cơ quan ${of}`, DEPARTMENTS.map(([, name]) => `${name} ${of}`)],
      [`DUQS-${X}`, `Đảng ủy Quân sự ${of}`, ['Cơ quan Bộ Chỉ huy Quân sự', 'Trung đoàn bộ binh', 'Ban Chỉ huy Phòng thủ khu vực', 'Trường Quân sự']],
      [`DUCA-${X}`, `Đảng ủy Công an ${of}`, ['Phòng Cảnh sát giao thông', 'Phòng Cảnh sát hình sự', 'Phòng An ninh chính trị nội bộ', 'Phòng Cảnh sát phòng cháy, chữa cháy', 'Trại tạm giam']],
    ];
    for (const [code, name, bodies] of blocs) {
      this.add({ code, name, kind: 'party_committee', level: 'province', block: 'party' }, tu);
      const n = Math.min(bodies.length, this.int(...this.s.blocOrgs));
      for (let i = 0; i < n; i += 1) {
        const org = `${code}-${i + 1}`;
        const grassroots = this.random() < 0.6;
        this.add({ code: org, name: `${grassroots ? 'Đảng bộ' : 'Chi bộ'} ${bodies[i]}`, kind: grassroots ? 'grassroots_party_organisation' : 'party_cell', level: 'grassroots', block: 'party' }, code);
        if (grassroots) {
          const cells = this.int(2, 6);
          for (let j = 1; j <= cells; j += 1) this.add({ code: `${org}-${j}`, name: `Chi bộ ${this.pick(['Phòng', 'Tổ', 'Đội'])} số ${j}`, kind: 'party_cell', level: 'grassroots', block: 'party' }, org);
        }
      }
    }

    // State: the National Assembly delegation and People's Council, the People's Committee, departments, service units.
    this.add({ code: `DDBQH-${X}`, name: `Đoàn đại biểu Quốc hội ${of}`, kind: 'state_agency', level: 'province', block: 'state' }, 'QH');
    this.add({ code: `HDND-${X}`, name: `Hội đồng nhân dân ${of}`, shortName: `HĐND ${p.name}`, kind: 'council', level: 'province', block: 'state' }, 'QH');
    const ubnd = `UBND-${X}`;
    this.add({ code: ubnd, name: `Ủy ban nhân dân ${of}`, shortName: `UBND ${p.name}`, kind: 'peoples_committee', level: 'province', block: 'state' }, 'CP');
    for (const [key, name, services] of DEPARTMENTS) {
      const department = `${key}-${X}`;
      this.add({ code: department, name: `${name} ${of}`, kind: 'department', level: 'province', block: 'state' }, ubnd);
      const n = Math.min(services.length, this.int(...this.s.psu));
      for (let i = 0; i < n; i += 1) {
        this.add({ code: `DVSN-${department}-${i + 1}`, name: `${services[i]} ${of}`, kind: 'public_service_unit', level: 'province', block: 'public_service' }, department);
      }
    }
    this.add({ code: `DPTTH-${X}`, name: `Đài Phát thanh và Truyền hình ${of}`, kind: 'public_service_unit', level: 'province', block: 'public_service' }, ubnd);

    // The Fatherland Front and the mass organisations, each under its central body.
    this.add({ code: `MTTQ-${X}`, name: `Ủy ban Mặt trận Tổ quốc Việt Nam ${of}`, shortName: `MTTQ ${p.name}`, kind: 'front', level: 'province', block: 'front' }, 'MTTQ-TW');
    for (const [key, central, , name] of MASS_ORGANISATIONS) {
      this.add({ code: `${key}-${X}`, name: name(of), kind: 'mass_organisation', level: 'province', block: 'front' }, central);
    }

    const districts = Math.max(2, Math.round(p.districts * this.s.districtFactor));
    for (let d = 1; d <= districts; d += 1) this.buildDistrict(p, d, tu);
  }

  buildDistrict(p, d, tu) {
    const X = p.code;
    const dd = pad(d);
    // A city's districts are urban; a province has a provincial city first, sometimes a town, then rural districts.
    const type = p.city ? (d <= Math.ceil(p.districts * 0.5 * this.s.districtFactor) ? 'Quận' : 'Huyện') : d === 1 ? 'Thành phố' : d === 2 && this.random() < 0.5 ? 'Thị xã' : 'Huyện';
    const committee = { Quận: 'Quận ủy', Huyện: 'Huyện ủy', 'Thị xã': 'Thị ủy', 'Thành phố': 'Thành ủy' }[type];
    const name = this.placeName(p, `district:${X}`);
    const code = `HU-${X}-${dd}`;
    const ofDistrict = `${type.toLowerCase()} ${name}`;
    this.add({ code, name: `${committee} ${name}`, kind: 'party_committee', level: 'district', block: 'party', meta: { type, name, province: X } }, tu);
    this.add({ code: `BTC-${code}`, name: `Ban Tổ chức ${committee} ${name}`, kind: 'committee_organ', level: 'district', block: 'party' }, code);
    this.add({ code: `UBKT-${code}`, name: `Ủy ban Kiểm tra ${committee} ${name}`, kind: 'inspection_commission', level: 'district', block: 'party' }, code);
    this.add({ code: `VP-${code}`, name: `Văn phòng ${committee} ${name}`, kind: 'committee_organ', level: 'district', block: 'party' }, code);
    const institutions = [`Trường Trung học phổ thông ${name}`, `Trung tâm Y tế ${ofDistrict}`, `Công an ${ofDistrict}`, `Ban Chỉ huy Quân sự ${ofDistrict}`];
    const orgs = this.int(1, 3);
    for (let k = 1; k <= orgs; k += 1) {
      const org = `DB-${X}-${dd}-H${k}`;
      this.add({ code: org, name: `Đảng bộ ${institutions[k - 1]}`, kind: 'grassroots_party_organisation', level: 'grassroots', block: 'party' }, code);
      const cells = this.int(2, 5);
      for (let j = 1; j <= cells; j += 1) this.add({ code: `CB-${X}-${dd}-H${k}-${j}`, name: `Chi bộ ${this.pick(['Tổ', 'Khoa', 'Đội', 'Phòng'])} số ${j}`, kind: 'party_cell', level: 'grassroots', block: 'party' }, org);
    }
    const offices = ['Viện Kiểm sát nhân dân', 'Tòa án nhân dân', 'Chi cục Thuế', 'Kho bạc Nhà nước', 'Phòng Tài chính - Kế hoạch', 'Phòng Giáo dục và Đào tạo'];
    const direct = this.int(2, 4);
    for (let j = 1; j <= direct; j += 1) this.add({ code: `CB-${X}-${dd}-H0-${j}`, name: `Chi bộ ${offices[j - 1]} ${ofDistrict}`, kind: 'party_cell', level: 'grassroots', block: 'party' }, code);
    const communes = this.int(...this.s.communes);
    for (let c = 1; c <= communes; c += 1) this.buildCommune(p, d, c, code, type);
  }

  buildCommune(p, d, c, district, districtType) {
    const X = p.code;
    const urban = districtType === 'Quận' || (districtType !== 'Huyện' && this.random() < 0.7);
    const type = urban ? 'phường' : c === 1 ? 'thị trấn' : 'xã';
    const name = this.placeName(p, `commune:${district}`);
    const prefix = `${X}-${pad(d)}-${pad(c)}`;
    const code = `DU-${prefix}`;
    this.add({ code, name: `Đảng ủy ${type} ${name}`, kind: 'party_committee', level: 'commune', block: 'party', meta: { type, name } }, district);
    const institutions = [
      [`Công an ${type} ${name}`, ['Chi bộ Công an số']],
      [`Trường Trung học cơ sở ${name}`, ['Chi bộ Tổ Khoa học tự nhiên', 'Chi bộ Tổ Khoa học xã hội', 'Chi bộ Tổ Văn phòng']],
      [urban ? `Công ty ${this.pick(COMPANY_WORDS)} ${this.placeName(p)}` : `Hợp tác xã Nông nghiệp ${name}`, ['Chi bộ Đội sản xuất số', 'Chi bộ Phân xưởng số']],
      [`Quân sự ${type} ${name}`, ['Chi bộ Dân quân số']],
    ];
    const orgs = this.int(1, 4);
    for (let k = 1; k <= orgs; k += 1) {
      const [institution, cellNames] = institutions[k - 1];
      const org = `DB-${prefix}-${k}`;
      this.add({ code: org, name: `Đảng bộ ${institution}`, kind: 'grassroots_party_organisation', level: 'grassroots', block: 'party' }, code);
      const cells = this.int(3, 8);
      for (let j = 1; j <= cells; j += 1) {
        const label = cellNames[(j - 1) % cellNames.length];
        this.add({ code: `CB-${prefix}-${k}-${j}`, name: label.endsWith('số') ? `${label} ${j}` : `${label} ${Math.ceil(j / cellNames.length)}`, kind: 'party_cell', level: 'grassroots', block: 'party' }, org);
      }
    }
    const village = urban ? null : p.region === 'mountain' ? 'bản' : p.region === 'south' ? 'ấp' : 'thôn';
    const cells = this.int(...this.s.cellsPerCommune);
    const fixed = [`Trường Mầm non ${name}`, `Trường Tiểu học ${name}`, `Trạm Y tế ${type} ${name}`];
    for (let j = 1; j <= cells; j += 1) {
      const label = j <= fixed.length ? fixed[j - 1] : village ? `${village} ${this.placeName(p)}` : this.random() < 0.5 ? `tổ dân phố số ${j - fixed.length}` : `khu phố ${j - fixed.length}`;
      this.add({ code: `CB-${prefix}-0-${j}`, name: `Chi bộ ${label}`, kind: 'party_cell', level: 'grassroots', block: 'party' }, code);
    }
  }

  // ---- the history --------------------------------------------------------------------------------------------

  history() {
    const bodies = [];
    const body = (decisionRef, effectiveDate, title, atoms) => {
      for (const operations of pack(atoms)) bodies.push({ decisionRef, effectiveDate, title, operations });
    };
    const provinces = PROVINCES.map((p) => p.code);
    const sample = (n) => shuffle(provinces, this.random).slice(0, Math.min(n, provinces.length));
    const many = { small: 6, medium: 12, national: 24 }[this.scale];

    // 2022: boundary adjustments move a commune to the neighbouring district of the same province.
    sample(many).forEach((X, i) => {
      const districts = this.childrenOf(`TU-${X}`, (u) => u.level === 'district');
      if (districts.length < 2) return;
      const [from, to] = districts;
      const commune = this.childrenOf(from.code, (u) => u.level === 'commune').at(-1);
      if (!commune || this.childrenOf(from.code, (u) => u.level === 'commune').length < 2) return;
      body(`${480 + i}/NQ-UBTVQH15`, '2022-07-01', `Điều chỉnh địa giới hành chính cấp huyện, ${this.provinceName(X)}`, [[this.move(commune.code, to.code)]]);
    });

    // 2023: a district becomes a town; its communes become wards.
    sample(many).forEach((X, i) => {
      const district = this.childrenOf(`TU-${X}`, (u) => u.level === 'district' && u.meta?.type === 'Huyện')[0];
      if (!district) return;
      const atoms = [[this.rename(district.code, `Thị ủy ${district.meta.name}`)]];
      for (const commune of this.childrenOf(district.code, (u) => u.level === 'commune' && u.meta?.type === 'xã').slice(0, 3)) {
        atoms.push([this.rename(commune.code, `Đảng ủy phường ${commune.meta.name}`)]);
      }
      body(`${720 + i}/NQ-UBTVQH15`, '2023-04-10', `Thành lập thị xã ${district.meta.name} và các phường thuộc thị xã, ${this.provinceName(X)}`, atoms);
    });

    // 2024: commune-level arrangement: two communes of a district become one new commune.
    sample(many * 2).forEach((X, i) => {
      const atoms = [];
      for (const district of this.childrenOf(`TU-${X}`, (u) => u.level === 'district').slice(0, 2)) {
        const communes = this.childrenOf(district.code, (u) => u.level === 'commune');
        if (communes.length < 3) continue;
        atoms.push(this.communeMerger(`DU-${X}-M24-${district.code.split('-').at(-1)}`, district.code, communes.slice(-2)));
      }
      if (atoms.length) body(`${1190 + i}/NQ-UBTVQH15`, '2024-12-01', `Sắp xếp đơn vị hành chính cấp xã giai đoạn 2023 - 2025, ${this.provinceName(X)}`, atoms);
    });

    // 2025-02-01: the propaganda and mass mobilisation organs of each provincial committee become one; the
    // internal affairs organ is dissolved.
    body('121-KL/TW', '2025-02-01', 'Sắp xếp, tinh gọn các cơ quan tham mưu, giúp việc của tỉnh ủy, thành ủy', provinces.map((X) => [
      this.merge([`BDV-TU-${X}`], `BTG-TU-${X}`),
      this.rename(`BTG-TU-${X}`, `Ban Tuyên giáo và Dân vận ${this.units.get(`TU-${X}`).name}`),
      this.dissolve(`BNC-TU-${X}`),
    ]));

    // 2025-03-01: provincial departments merged (45/2025/NĐ-CP).
    body('45/2025/NĐ-CP', '2025-03-01', 'Tổ chức lại các cơ quan chuyên môn thuộc Ủy ban nhân dân cấp tỉnh', provinces.map((X) => {
      const atom = [];
      for (const [from, into, name] of DEPARTMENT_MERGERS_2025) {
        atom.push(this.merge([`${from}-${X}`], `${into}-${X}`));
        if (name) atom.push(this.rename(`${into}-${X}`, `${name} ${this.provinceName(X)}`));
      }
      return atom;
    }));

    // 2025-07-01: the provincial merger and the end of the district level.
    const merged = new Set(MERGER_GROUPS.flat());
    for (const group of MERGER_GROUPS) {
      const [survivor, ...absorbed] = group;
      const names = group.map((X) => this.provinceName(X));
      body(MERGER_DECISION, MERGER_DATE, `Sắp xếp đơn vị hành chính cấp tỉnh: hợp nhất ${names.join(', ')} thành ${names[0]}; kết thúc hoạt động cấp huyện`, this.provinceMerger(survivor, absorbed));
    }
    for (const X of provinces.filter((code) => !merged.has(code))) {
      body('72/2025/QH15', MERGER_DATE, `Tổ chức chính quyền địa phương hai cấp: kết thúc hoạt động cấp huyện, ${this.provinceName(X)}`, this.endDistricts(X, X));
    }
    // 2025-07-01: communes merged under the new provinces.
    const survivors = [...MERGER_GROUPS.map((g) => g[0]), ...provinces.filter((code) => !merged.has(code))];
    survivors.forEach((X, i) => {
      const communes = this.childrenOf(`TU-${X}`, (u) => u.level === 'commune');
      const atoms = [];
      for (let m = 0; m < this.s.communeMergers2025 && communes.length >= 3 * (m + 1); m += 1) {
        atoms.push(this.communeMerger(`DU-${X}-M25-${m + 1}`, `TU-${X}`, communes.slice(3 * m, 3 * m + 3)));
      }
      if (atoms.length) body(`${1650 + i}/NQ-UBTVQH15`, MERGER_DATE, `Sắp xếp các đơn vị hành chính cấp xã năm 2025, ${this.provinceName(X)}`, atoms);
    });

    // What the tree-query benchmark looks at: the continuing province of the largest group, and a party cell
    // six levels deep in a province it absorbed (its path loses the district level on 2025-07-01).
    const sizes = MERGER_GROUPS.map((group) => [group, this.subtreeSize(`TU-${group[0]}`)]).sort((a, b) => b[1] - a[1]);
    const [largestGroup] = sizes[0];
    this.probes = {
      root: 'TW',
      largeProvince: `TU-${largestGroup[0]}`,
      absorbedProvince: `TU-${largestGroup[1]}`,
      deepCell: this.deepCellOf(largestGroup[1]),
    };
    return bodies.sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  }

  /** Operations of one group of provinces on 2025-07-01. */
  provinceMerger(survivor, absorbed) {
    const atoms = [];
    for (const X of [survivor, ...absorbed]) atoms.push(...this.endDistricts(X, survivor));
    for (const X of absorbed) {
      const atom = [];
      for (const [key] of PROVINCE_ORGANS) {
        if (this.units.has(`${key}-TU-${X}`)) atom.push(this.merge([`${key}-TU-${X}`], `${key}-TU-${survivor}`));
      }
      for (const key of ['BCSD-UBND', 'TCT', 'DUK', 'DUQS', 'DUCA']) atom.push(this.merge([`${key}-${X}`], `${key}-${survivor}`));
      atom.push(this.merge([`TU-${X}`], `TU-${survivor}`));
      for (const [key] of DEPARTMENTS) {
        if (this.units.has(`${key}-${X}`)) atom.push(this.merge([`${key}-${X}`], `${key}-${survivor}`));
      }
      atom.push(this.merge([`DPTTH-${X}`], `DPTTH-${survivor}`));
      atom.push(this.merge([`UBND-${X}`], `UBND-${survivor}`));
      atom.push(this.merge([`HDND-${X}`], `HDND-${survivor}`));
      atom.push(this.merge([`DDBQH-${X}`], `DDBQH-${survivor}`));
      atom.push(this.merge([`MTTQ-${X}`], `MTTQ-${survivor}`));
      for (const [key] of MASS_ORGANISATIONS) atom.push(this.merge([`${key}-${X}`], `${key}-${survivor}`));
      atoms.push(atom);
    }
    return atoms;
  }

  /** The districts of province X end: their communes and party organisations move under TU-`into`. */
  endDistricts(X, into) {
    const atoms = [];
    for (const district of this.childrenOf(`TU-${X}`, (u) => u.level === 'district')) {
      const atom = [];
      for (const child of this.childrenOf(district.code, () => true)) {
        if (child.level === 'district') atom.push(this.dissolve(child.code));
        else atom.push(this.move(child.code, `TU-${into}`));
      }
      atom.push(this.dissolve(district.code));
      atoms.push(...chunkAtom(atom));
    }
    return atoms;
  }

  /** Create a new commune under `parent` and merge `sources` into it (one atom: the ref lives in one body). */
  communeMerger(code, parent, sources) {
    const first = sources[0].meta;
    const name = this.placeName(PROVINCES.find((p) => code.startsWith(`DU-${p.code}-`)));
    const type = first?.type ?? 'xã';
    const ref = code.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
    return [
      this.create(ref, { code, name: `Đảng ủy ${type} ${name}`, kind: 'party_committee', level: 'commune', block: 'party', meta: { type, name } }, parent),
      this.merge(sources.map((s) => s.code), code, ref),
    ];
  }

  // ---- operations, applied to the model as they are written ----------------------------------------------------

  create(ref, { meta, ...unit }, parent) {
    this.attach({ ...unit, meta }, parent);
    return { type: 'create', ref, unit, parent: { code: parent } };
  }

  rename(code, name) {
    this.require(code).name = name;
    return { type: 'rename', unit: { code }, name };
  }

  move(code, newParent) {
    const unit = this.require(code);
    const parent = this.require(newParent);
    if (LEVELS.indexOf(unit.level) < LEVELS.indexOf(parent.level)) throw new Error(`move ${code}: level ${unit.level} under ${parent.level}`);
    this.detach(unit);
    this.link(unit, parent);
    return { type: 'move', unit: { code }, newParent: { code: newParent } };
  }

  merge(sources, into, ref) {
    const target = this.require(into);
    for (const code of sources) {
      const source = this.require(code);
      for (const child of this.childrenOf(code, () => true)) {
        if (LEVELS.indexOf(child.level) < LEVELS.indexOf(target.level)) throw new Error(`merge ${code}: child ${child.code} above ${into}`);
        this.detach(child);
        this.link(child, target);
      }
      this.detach(source);
      this.units.delete(code);
    }
    return { type: 'merge', sources: sources.map((code) => ({ code })), into: ref ? { ref } : { code: into } };
  }

  dissolve(code) {
    const unit = this.require(code);
    if (unit.children?.size) throw new Error(`dissolve ${code}: ${unit.children.size} children left`);
    this.detach(unit);
    this.units.delete(code);
    return { type: 'dissolve', unit: { code } };
  }

  // ---- the model ----------------------------------------------------------------------------------------------

  add(unit, parentCode) {
    this.attach(unit, parentCode);
    this.out.row(unit, parentCode);
    this.written += 1;
    const key = `${unit.level}/${unit.kind}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  attach(unit, parentCode) {
    if (this.units.has(unit.code)) throw new Error(`duplicate code ${unit.code}`);
    const parent = parentCode ? this.require(parentCode) : null;
    if (parent && LEVELS.indexOf(unit.level) < LEVELS.indexOf(parent.level)) throw new Error(`${unit.code}: ${unit.level} under ${parent.level}`);
    // Cells never get children: no set for them keeps the national model small.
    const node = { code: unit.code, name: unit.name, kind: unit.kind, level: unit.level, parent: null, children: unit.kind === 'party_cell' ? null : new Set(), meta: unit.meta };
    this.units.set(unit.code, node);
    if (parent) this.link(node, parent);
  }

  link(unit, parent) {
    unit.parent = parent.code;
    parent.children.add(unit.code);
  }

  detach(unit) {
    if (unit.parent) this.units.get(unit.parent).children.delete(unit.code);
    unit.parent = null;
  }

  require(code) {
    const unit = this.units.get(code);
    if (!unit) throw new Error(`no unit ${code} alive in the model`);
    return unit;
  }

  childrenOf(code, filter) {
    return [...(this.require(code).children ?? [])].map((child) => this.units.get(child)).filter(filter);
  }

  subtreeSize(code) {
    let n = 0;
    const stack = [code];
    while (stack.length) {
      const unit = this.units.get(stack.pop());
      n += 1;
      if (unit.children) stack.push(...unit.children);
    }
    return n;
  }

  /** A cell of a grassroots organisation in a commune of province X (alive after the history). */
  deepCellOf(X) {
    for (const unit of this.units.values()) {
      if (unit.level !== 'commune' || !unit.code.startsWith(`DU-${X}-`) || unit.code.includes('-M')) continue;
      const org = this.childrenOf(unit.code, (u) => u.kind === 'grassroots_party_organisation')[0];
      const cell = org && this.childrenOf(org.code, (u) => u.kind === 'party_cell')[0];
      if (cell) return cell.code;
    }
    throw new Error(`no party cell below a commune of ${X}`);
  }

  provinceName(X) {
    const p = PROVINCES.find((province) => province.code === X);
    return p.city ? `thành phố ${p.name}` : `tỉnh ${p.name}`;
  }

  placeName(p, uniqueWithin) {
    const first = p?.region === 'mountain' && this.random() < 0.4 ? MOUNTAIN_SYLLABLES : SYLLABLES;
    for (let attempt = 0; ; attempt += 1) {
      const a = this.pick(first);
      let b = this.pick(SYLLABLES);
      while (b === a) b = this.pick(SYLLABLES);
      const name = `${a} ${b}`;
      if (!uniqueWithin || attempt > 20) return name;
      const key = `${uniqueWithin}/${name}`;
      if (!this.usedNames.has(key)) {
        this.usedNames.add(key);
        return name;
      }
    }
  }

  int(min, max) {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick(list) {
    return list[Math.floor(this.random() * list.length)];
  }
}

/** Splits a long list of operations that may go to different bodies (no refs inside). */
function chunkAtom(atom) {
  const chunks = [];
  for (let start = 0; start < atom.length; start += 200) chunks.push(atom.slice(start, start + 200));
  return chunks;
}

/** Packs atoms (operations that must stay in one body) into bodies within the operation and size limits. */
function pack(atoms) {
  const bodies = [];
  let current = [];
  let chars = 0;
  for (const atom of atoms) {
    const size = JSON.stringify(atom).length;
    if (current.length > 0 && (current.length + atom.length > MAX_OPERATIONS || chars + size > MAX_BODY_CHARS)) {
      bodies.push(current);
      current = [];
      chars = 0;
    }
    current.push(...atom);
    chars += size;
  }
  if (current.length) bodies.push(current);
  return bodies;
}

/** Synchronous buffered writes: generation is synchronous and memory stays flat at any scale. */
class CsvWriter {
  constructor(file) {
    this.fd = openSync(file, 'w');
    this.buffer = [`${CSV_HEADER}\n`];
  }

  row(unit, parentCode) {
    const fields = [unit.code, unit.name, unit.shortName ?? '', unit.kind, unit.level, unit.block, parentCode ?? '', VALID_FROM];
    this.buffer.push(`${fields.map(csvField).join(',')}\n`);
    if (this.buffer.length >= 4096) this.flush();
  }

  flush() {
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }

  close() {
    this.flush();
    closeSync(this.fd);
  }
}

function csvField(value) {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function shuffle(list, random) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function seedOf(text) {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return h >>> 0;
}

function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
