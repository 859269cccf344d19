"""Places for any report in China: province, city, county and GB/T 2260 code from the department name and the text."""

from __future__ import annotations

import pytest

from converter.places import Place, find_place

# Department name → (province, city, county, code), checked by hand against the GB/T 2260 list.
DEPARTMENTS = {
    "深圳市福田区教育局": ("广东省", "深圳市", "福田区", "440304"),
    "杭州市钱塘区财政局": ("浙江省", "杭州市", "钱塘区", "330114"),  # created 2021
    "湛江市交通运输局": ("广东省", "湛江市", None, "440800"),
    "广东省湛江市交通运输局": ("广东省", "湛江市", None, "440800"),
    "中共深圳市福田区委员会办公室": ("广东省", "深圳市", "福田区", "440304"),
    "北京市海淀区教育委员会": ("北京市", "北京市", "海淀区", "110108"),
    "重庆市渝中区财政局": ("重庆市", "重庆市", "渝中区", "500103"),
    "成都市武侯区卫生健康局": ("四川省", "成都市", "武侯区", "510107"),
    "武汉市江汉区民政局": ("湖北省", "武汉市", "江汉区", "420103"),
    "仙桃市财政局": ("湖北省", None, "仙桃市", "429004"),  # county-level city directly under the province
    "南宁市青秀区人民政府办公室": ("广西壮族自治区", "南宁市", "青秀区", "450103"),
    "呼和浩特市赛罕区教育局": ("内蒙古自治区", "呼和浩特市", "赛罕区", "150105"),
    "延边朝鲜族自治州财政局": ("吉林省", "延边朝鲜族自治州", None, "222400"),
    "昆明市五华区财政局": ("云南省", "昆明市", "五华区", "530102"),
    "南京市鼓楼区教育局": ("江苏省", "南京市", "鼓楼区", "320106"),  # 鼓楼区 also in 福州, 徐州, 开封
    "三亚市财政局": ("海南省", "三亚市", None, "460200"),
    "哈尔滨市道里区财政局": ("黑龙江省", "哈尔滨市", "道里区", "230102"),
    "乌鲁木齐市天山区教育局": ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "650102"),
    "拉萨市城关区财政局": ("西藏自治区", "拉萨市", "城关区", "540102"),
    "宁夏回族自治区财政厅": ("宁夏回族自治区", None, None, "640000"),
    "高台县医疗保障局": ("甘肃省", "张掖市", "高台县", "620724"),
    "上海市普陀区财政局": ("上海市", "上海市", "普陀区", "310107"),
}


@pytest.mark.parametrize(("department", "expected"), DEPARTMENTS.items())
def test_department_names_from_several_provinces_get_their_place_and_code(department, expected):
    assert find_place(department, "") == Place(*expected)


def test_a_name_several_places_share_is_settled_by_the_text_or_left_null():
    zhoushan, shanghai = Place("浙江省", "舟山市", "普陀区", "330903"), Place("上海市", "上海市", "普陀区", "310107")
    assert find_place("普陀区财政局", "舟山市普陀区财政局2023年度部门决算") == zhoushan
    assert find_place("普陀区财政局", "上海市普陀区财政局2023年度部门决算") == shanghai
    assert find_place("朝阳区教育委员会", "北京市朝阳区") == Place("北京市", "北京市", "朝阳区", "110105")
    assert find_place("鼓楼区教育局", "2023年度部门决算") == Place()
    assert find_place("普陀区财政局", "") == Place()


def test_a_department_without_a_place_takes_the_province_the_text_names_first():
    assert find_place("医疗保障局", "甘肃省……陕西省") == Place(province="甘肃省", division_code="620000")
    assert find_place("医疗保障局", "") == Place()
