#include "io/demo/names.hpp"

#include <vector>

namespace ruralatlas::demo {

namespace {
const std::vector<std::string> kFirst = {"龙", "石", "马", "青", "白", "高", "桃", "枫", "杉", "茶", "竹", "岩", "黄", "红", "新", "老",
                                         "塔", "洞", "松", "梅", "李", "杨", "向", "彭", "田", "金", "银", "东", "西", "南", "北", "中",
                                         "上", "下", "大", "小", "长", "双", "三", "五", "万", "凤", "鹤", "鹿", "牛", "羊", "猫", "兔",
                                         "花", "柳", "桂", "樟", "泉", "云", "雾", "龙", "芙", "蓉", "砂", "坝", "毛", "果", "麻", "溶"};
const std::vector<std::string> kSecond = {"坪", "溪", "坡", "湾", "寨", "冲", "岭", "塘", "坝", "洞", "岩", "山", "桥", "口", "田",
                                          "坳", "垭", "河", "湖", "林", "园", "家", "庄", "场", "井", "峪", "滩", "沟", "屯", "堡"};
const std::vector<std::string> kTownFirst = {"首", "芙", "永", "小", "石", "砂", "松", "灵", "万", "高",
                                             "毛", "泽", "润", "青", "颗", "西", "朗", "对", "車", "塔"};
const std::vector<std::string> kTownSecond = {"车", "蓉", "茂", "溪", "堤", "坝", "柏", "溪", "坪", "坪",
                                              "坝", "家", "雅", "天", "砂", "岐", "溪", "山", "口", "卧"};
}  // namespace

std::string villageStem(Rng& rng) { return rng.pick(kFirst) + rng.pick(kSecond); }

std::string townshipStem(Rng& rng) { return rng.pick(kTownFirst) + rng.pick(kTownSecond); }

std::string riverName(Rng& rng, bool main) { return rng.pick(kFirst) + rng.pick(kFirst) + (main ? "河" : (rng.chance(0.5) ? "溪" : "水")); }

std::string countyStem(Rng& rng) { return rng.pick(kTownFirst) + rng.pick(kSecond); }

}  // namespace ruralatlas::demo
