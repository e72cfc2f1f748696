"""Synthetic Chinese names from small syllable tables: people, compounds, organizations (no real ones)."""

# Common surnames, roughly by frequency (the first ones are drawn more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹"
    "霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴"
    "蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒"
    "影荔枝思丽秀飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆"
    "磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛"
)
PLACE_WORDS = (
    "锦绣",
    "金桥",
    "康乐",
    "阳光",
    "和平",
    "东方",
    "春江",
    "绿地",
    "紫藤",
    "梅园",
    "浦江",
    "枫林",
    "华城",
    "新华",
    "曹杨",
    "天山",
    "延吉",
    "长风",
    "佳信",
    "银杏",
    "芳草",
    "玉兰",
    "滨江",
    "瑞金",
)
COMPOUND_SUFFIX = ("小区", "新村", "花园", "苑", "公寓", "家园")
ORG_WORDS = (
    "明德",
    "同心",
    "致远",
    "惠民",
    "启航",
    "仁爱",
    "和合",
    "新知",
    "睿思",
    "晨曦",
    "博雅",
    "安康",
    "乐龄",
    "益众",
    "青禾",
    "善邻",
)
ORG_FIELDS = {
    "social_group": ("协会", "促进会", "联合会", "研究会", "商会"),
    "non_enterprise_unit": (
        "社工服务社",
        "养老服务中心",
        "公益服务中心",
        "培训学校",
        "文化服务中心",
        "健康服务中心",
    ),
    "foundation": ("基金会", "公益基金会"),
}


def person(rng) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 25)), len(SURNAMES) - 1)]
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return surname + given


def compound(rng) -> str:
    return rng.choice(PLACE_WORDS) + rng.choice(COMPOUND_SUFFIX)
