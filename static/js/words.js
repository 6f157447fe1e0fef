// Chinese names for field names and enum values the editor shows; anything
// not listed shows as the API spells it.
export const FIELD = {
  name: '名称', code: '编码', enterprise: '企业', address: '地址', township_code: '乡镇', filing_status: '备案状态',
  responsible_person: '负责人', responsible_phone: '负责人电话', last_inspection: '最近检查', inventory: '危险化学品（JSON）',
  notes: '备注', synthetic: '虚构（演示）', kind: '类别', people: '人数', class: '类型', capacity: '容量（人）', area_m2: '面积（㎡）',
  status: '状态', occupancy: '在住（人）', facilities: '设施（逗号分隔）', contact_phone: '联系电话', organisation: '单位',
  capabilities: '能力（逗号分隔）', headcount: '人数', equipment: '装备（JSON）', last_position: '最新位置', observed_at: '定位时间',
  contact_person: '联系人', operator: '管理单位', stock: '库存（JSON）', beds: '床位', ambulances: '救护车', specialties: '专科（逗号分隔）',
  field: '专业', employer: '单位', title: '职称', night_people: '夜间人口', day_people: '白天人口', source: '来源', tags: '标签（逗号分隔）',
  s: 'S', r: 'R', alpha: 'α', people_within_500m: '500 m 内人口', major: '重大危险源', grade: '等级', version: '版本', updated_at: '更新时间',
};
export const VALUE = {
  open: '开放', closed: '关闭', full: '已满', emergency: '紧急', short_term: '短期', long_term: '长期', filed: '已备案', unfiled: '未备案',
  available: '待命', dispatched: '已派遣', en_route: '赶赴中', on_scene: '在现场', returning: '返回中', off_duty: '休整',
  school: '学校', hospital: '医院', residential: '居民区', crowded_place: '人员密集场所', drinking_water: '饮用水源',
};
