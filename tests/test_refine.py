"""Dividing run-on headlines: the pieces are the translations of each other's parts."""

from align import split_for, split_headline
from align.refine import headline_ends, is_unpunctuated


def _cut_words(en: str) -> list[str]:
    """The words on either side of each place ``headline_ends`` allows, as "left|right"."""
    return [en[:k].split()[-1] + "|" + en[k:].split()[0] for k in headline_ends(en)]


def test_headline_run_into_first_sentence_on_both_sides_is_divided():
    en = ("Police arrest man, 32, on suspicion of murder after woman is stabbed to death "
          "A man has been arrested on suspicion of murder after a woman was stabbed to death "
          "in Birkenhead.")
    zh = ("女子被刀捅死后，警察逮捕了一名涉嫌谋杀的32岁男子今天早晨在伯肯黑德，"
          "一名女子被刀捅死后，一名男子因涉嫌谋杀而被捕。")
    assert split_headline(en, zh) == (
        ("Police arrest man, 32, on suspicion of murder after woman is stabbed to death",
         "女子被刀捅死后，警察逮捕了一名涉嫌谋杀的32岁男子"),
        ("A man has been arrested on suspicion of murder after a woman was stabbed to death "
         "in Birkenhead.", "今天早晨在伯肯黑德，一名女子被刀捅死后，一名男子因涉嫌谋杀而被捕。"))


def test_a_cut_before_a_sentence_opener_wins_over_a_cut_before_a_name():
    # "... his Supreme Court pick | Brett Kavanaugh" divides the text about as well by
    # the dictionary; "West Virginia | The President" is where a sentence starts.
    en = ("Trump rallies in West Virginia The President obliquely referred to the row "
          "surrounding his Supreme Court pick Brett Kavanaugh while talking about the "
          "importance of party turnout in the autumn elections.")
    zh = ("特朗普在西弗吉尼亚举行的竞选集会总统含沙射影地提到了围绕他提名的最高法院大法官候选人"
          "卡瓦诺的争议，同时谈到了党派投票率在秋季选举的重要性。")
    (head_en, head_zh), _ = split_headline(en, zh)
    assert (head_en, head_zh) == ("Trump rallies in West Virginia", "特朗普在西弗吉尼亚举行的竞选集会")


def test_a_title_case_headline_is_not_cut_at_its_inner_after():
    from align.refine import _opens_sentence

    head = "Christion Abercrombie Undergoes Emergency Surgery"
    assert not _opens_sentence(head, " After Suffering Head Injury The linebacker ...")
    assert _opens_sentence(head + " After Suffering Head Injury", " The linebacker was hurt.")
    assert _opens_sentence("Trump rallies in West Virginia", " The President referred to it.")
    assert not _opens_sentence("Tech investor says U.S. should double", " A.I. funding As ...")


def test_an_ordinary_sentence_is_not_divided():
    assert split_headline("In the beginning God created the heaven and the earth.",
                          "起初神创造天地。") is None


def test_the_chinese_side_is_not_cut_inside_quotes():
    head, rest = split_for(
        ["Welsh AMs worried about 'looking like muppets'",
         "There is consternation among some AMs at a suggestion their title should change."],
        "威尔士国民议会议员担心“看起来像笨蛋”有人提议应将议员的头衔改掉，这让有些议员惊愕不已。")
    assert head == "威尔士国民议会议员担心“看起来像笨蛋”"
    assert rest.startswith("有人提议")


def test_a_chinese_piece_does_not_end_on_a_pronoun_or_conjunction():
    assert split_for(
        ["Paris fashion shows reveal latest line in massive headwear on it's way to a High "
         "Street near you", "If you want to upsize your hat collection or completely block "
         "out the sun then look no further."],
        "巴黎时装秀上超大头饰粉墨登场，即将飞入寻常百姓家如果你想再添几件精品帽饰，"
        "或彻底抵挡太阳照射，那别再观望了。") == (
        "巴黎时装秀上超大头饰粉墨登场，即将飞入寻常百姓家",
        "如果你想再添几件精品帽饰，或彻底抵挡太阳照射，那别再观望了。")


def test_a_first_sentence_repeating_its_headline_is_divided_where_it_starts_again():
    en = ("New cancer vaccine can teach the immune system to 'see' rogue cells New cancer "
          "vaccine can teach the immune system to 'see' rogue cells and kill them")
    zh = "新型癌症疫苗可以教会免疫系统“看到”癌细胞新型癌症疫苗可以教会免疫系统“看到”癌细胞并杀死它们"
    (head_en, head_zh), (rest_en, rest_zh) = split_headline(en, zh)
    assert head_en == "New cancer vaccine can teach the immune system to 'see' rogue cells"
    assert rest_en.endswith("and kill them") and rest_zh.endswith("并杀死它们")


def test_an_english_sentence_is_divided_at_a_colon_before_a_capital_where_chinese_has_two():
    zh = ["耶和华神吩咐他说，园中各样树上的果子，你可以随意吃。",
          "只是分别善恶树上的果子，你不可吃，因为你吃的日子必定死。"]
    en = ("And the LORD God commanded the man, saying, Of every tree of the garden thou mayest "
          "freely eat: But of the tree of the knowledge of good and evil, thou shalt not eat "
          "of it: for in the day that thou eatest thereof thou shalt surely die.")
    head, rest = split_for(zh, en, "zh", mode="clause")
    assert head.endswith("freely eat:") and rest.startswith("But of the tree")
    # Not after a colon followed by a lowercase word ("...eat of it: for in the day").
    assert split_for(zh, "The man may eat of every tree: but he shall not eat of that one.",
                     "zh", mode="clause") is None


def test_two_sentences_run_together_divide_but_a_comma_join_does_not():
    parts = ["The museum opens at nine in the morning.",
             "Children under six enter the museum for free."]
    assert split_for(parts, "博物馆早上九点开门六岁以下儿童免费进入博物馆。", "en", 0.4,
                     "run_on") == ("博物馆早上九点开门", "六岁以下儿童免费进入博物馆。")
    # The translator joined them with a comma: one sentence, left whole.
    assert split_for(parts, "博物馆早上九点开门，六岁以下儿童免费进入博物馆。", "en", 0.4,
                     "run_on") is None


def test_a_word_the_dictionary_cannot_place_goes_where_the_meaning_does():
    # CC-CEDICT gives 丧生 as "to die; to lose one's life", nothing for "killing": by
    # dictionary and length alone the cut falls inside "数十人丧生".
    assert split_for(["Storm and Floods Hit the Coast, Killing Dozens",
                      "Rescue teams searched the damaged villages on Sunday."],
                     "暴风雨和洪水袭击海岸，造成数十人丧生救援队周日搜寻了受损的村庄。") == (
        "暴风雨和洪水袭击海岸，造成数十人丧生", "救援队周日搜寻了受损的村庄。")


def test_a_headline_does_not_end_inside_a_name_the_sentence_repeats():
    en = ("Europe captain Thomas Bjorn knows big lead can soon disappear Thomas Bjorn, the "
          "European captain, knows from experience that a lead can vanish.")
    cuts = _cut_words(en)
    assert "disappear|Thomas" in cuts and "Thomas|Bjorn" not in cuts
    en = ("Tory MP says NIGEL FARAGE should be put in charge of Brexit negotiations Nigel "
          "Farage should lead the talks, a Conservative backbencher told the march.")
    cuts = _cut_words(en)
    assert "negotiations|Nigel" in cuts and "Nigel|Farage" not in cuts


def test_a_headline_may_end_with_a_phrase_final_word_or_before_a_repeated_name():
    en = ("Germany's new warship postponed yet again German Navy's newest frigate should "
          "have been commissioned in 2014.")
    cuts = _cut_words(en)
    assert "again|German" in cuts
    # The first two words come again inside the first sentence: a candidate, not the cut.
    en = ("Christion Abercrombie Undergoes Surgery After Head Injury Tennessee State "
          "linebacker Christion Abercrombie underwent surgery after a head injury on Saturday.")
    cuts = _cut_words(en)
    assert "Injury|Tennessee" in cuts and "linebacker|Christion" in cuts


def test_a_headline_may_end_with_a_title_word_before_an_initialism_an_opener_or_as_attribution():
    en = ("Senator plans to take a hard look at running for president U.S. Sen. Jane Smith "
          "says she will take a hard look after the elections.")
    cuts = _cut_words(en)
    assert "president|U.S." in cuts
    en = ("Navy could blockade exports, says Interior Secretary As outlined in the paper, "
          "the secretary said the navy could be used.")
    cuts = _cut_words(en)
    assert "Secretary|As" in cuts
    # So may an attribution closing the headline, whatever follows.
    en = ("Syria 'ready' for refugees to return, says Foreign Minister Syria says it is ready "
          "for the voluntary return of refugees.")
    cuts = _cut_words(en)
    assert "Minister|Syria" in cuts
    en = ("US could use Navy to hamper Russian energy exports - Interior Secretary Washington "
          "can resort to its Navy if necessary, the secretary said.")
    cuts = _cut_words(en)
    assert "Secretary|Washington" in cuts
    # Before a name the title goes with it.
    en = "Rally held in support of President Trump The crowd gathered in the square on Sunday."
    cuts = _cut_words(en)
    assert "President|Trump" not in cuts and "Trump|The" in cuts


def test_a_headline_does_not_end_where_the_rest_would_start_again_itself():
    en = ("Watch: Manchester City's Sergio Aguero navigates through entire Brighton defense for "
          "goal Sergio Aguero and Raheem Sterling dispatched of the Brighton defense on Saturday.")
    cuts = _cut_words(en)
    assert "goal|Sergio" in cuts and "City's|Sergio" not in cuts


def test_a_headline_does_not_end_before_a_number():
    en = ("HIV/Aids: China reports 14% surge in new cases China has announced a 14% jump in "
          "the number of its citizens who are living with HIV and Aids.")
    cuts = _cut_words(en)
    assert "cases|China" in cuts and "reports|14%" not in cuts


def test_a_quotation_closing_a_headline_is_not_final_punctuation():
    assert is_unpunctuated("Trump on North Korea talks: 'and then we fell in love'")
    assert is_unpunctuated("Storm Threatens Phoenix (Drought Areas May Benefit)")
    assert is_unpunctuated("埃利德·多伊尔将进入理事会，“为运动员发声代言”")
    assert not is_unpunctuated('He said: "We won."')
    assert not is_unpunctuated("他说：“我们赢了。”")


def test_no_cut_inside_brackets_or_between_mixed_quotes():
    en = ("There were smiles and blue skies on Saturday (September 29) as the leaders of "
          "Turkey and Germany met for breakfast in Berlin.")
    assert all(not en[:k].rstrip().endswith("(September") for k in headline_ends(en))
    head, _ = split_for(
        ["Parliament's statue of Cromwell becomes latest memorial hit by 'rewriting "
         "history' row", "Its banishment would be poetic justice for his Taliban-like "
         "followers, who destroyed much of the country's cultural heritage."],
        '议会的克伦威尔雕像成为最新一尊因“改写历史"引起争议的纪念物他被驱逐是对其塔利班式的'
        "追随者的诗意的公正，他们摧毁了这个国家的大部分文化遗产。")
    assert head.endswith("纪念物")


def test_a_comma_join_stays_one_pair_even_when_the_best_cut_is_a_word_off_the_comma():
    assert split_for(["Local dependency is out of date.",
                      "This may happen when you pull the latest code but did not update the "
                      "local dependencies."],
                     "本地依赖太旧，有可能拉取了最新代码，但没有更新本地依赖。", "en", 0.4,
                     "run_on") is None


def test_a_chinese_piece_does_not_open_with_the_measure_word_of_a_number() -> None:
    found = split_for(
        ["Death toll from Indonesia tsunami rises to 832",
         "The death toll in Indonesia's earthquake and tsunami has climbed to 832, the "
         "country's disaster agency said early Sunday."],
        "印尼海啸死亡人数已上升到 832 人印尼国家减灾机构周日一早表示，印尼地震和海啸造成的死亡人数已攀升至 832 人。",
        "en")
    assert found == ("印尼海啸死亡人数已上升到 832 人",
                     "印尼国家减灾机构周日一早表示，印尼地震和海啸造成的死亡人数已攀升至 832 人。")


def test_a_sentence_closing_a_quotation_divides_after_the_chinese_closing_quote():
    parts = ["The MP added: 'I will stand up for Brexit but we need to chuck Chequers.'",
             "Setting out his opposition to the EU, he said we did not fight wars to obey."]
    zh = ("这位议员补充道:“我会支持英国脱欧，但我们需要放弃“契克斯”计划”"
          "他在阐述自己对欧盟的反对时表示，我们参加战争不是为了服从。")
    assert split_for(parts, zh, "en", 0.3, "run_on") == (
        "这位议员补充道:“我会支持英国脱欧，但我们需要放弃“契克斯”计划”",
        "他在阐述自己对欧盟的反对时表示，我们参加战争不是为了服从。")
    # A quoted term is no quotation: 'on "isolation."' does not cut after “切换”.
    parts = ['Their focus is not on "switching" but on "isolation."',
             "Therefore, they require distinct and stable values."]
    zh = "他们的侧重点并不是“切换”而是“隔离”所以需要各异且稳定的值。"
    pieces = split_for(parts, zh, "en", 0.3, "run_on")
    assert pieces is None or not pieces[0].endswith("“切换”")


def test_a_chinese_piece_does_not_end_on_a_determiner():
    # "本研究" is "this study": "主要终点本 | 研究的..." cuts the determiner off its noun.
    head, rest = split_for(["Primary end point",
                            "The primary end point was survival free of invasive disease."],
                           "主要终点本研究的主要终点是无浸润性疾病生存期。", "en")
    assert head == "主要终点"


def test_a_second_sentence_opening_a_quotation_divides_before_the_chinese_opening_quote():
    parts = ['"It feels very tense," said a mother comforting her baby at the centre.',
             '"Every minute an ambulance brings in bodies.']
    zh = "一位妈妈正在中心安慰她的孩子，她说“感觉很紧张”，“每分钟都有救护车送来尸体。"
    assert split_for(parts, zh, "en", 0.3, "run_on") == (
        "一位妈妈正在中心安慰她的孩子，她说“感觉很紧张”，", "“每分钟都有救护车送来尸体。")


def test_a_part_ending_in_a_bracket_divides_after_the_chinese_closing_bracket():
    head, rest = split_for(
        ["The new phone fits easily inside a small shirt pocket (Acme/Press)",
         'Another reviewer said: "It is light, fast and cheap to run.'],
        "这款新手机可以轻松放进衬衫的小口袋里(Acme/新闻)又有一位评测者说：“它又轻又快，用起来也便宜。",
        "en")
    assert head.endswith("(Acme/新闻)") and rest.startswith("又有一位评测者")


def test_a_chinese_piece_does_not_end_on_a_number_and_its_measure_word():
    # "一辆" (one [vehicle]) wants its noun: "...两名男子被拘一辆 | 面包车..." is a word off.
    head, rest = split_for(
        ["Derry: Two men held after shop rammed by van",
         "Two men, aged 25 and 31, have been arrested after a van was repeatedly rammed into "
         "a shop in Derry."],
        "德里:面包车撞进商店，两名男子被拘一辆面包车反复撞进德里的一家商店后，"
        "年龄分别为 25 和 31 岁的两名男子被捕。", "en")
    assert head == "德里:面包车撞进商店，两名男子被拘" and rest.startswith("一辆面包车")


def test_a_citation_number_after_the_full_stop_is_final_punctuation():
    assert not is_unpunctuated("were given every 3 weeks for three cycles.14")
    assert not is_unpunctuated("as reported before.1,2")
    assert is_unpunctuated("Python 3.14")
    assert is_unpunctuated("Procedures")


def test_a_one_word_heading_does_not_end_inside_a_name_the_dictionary_does_not_know():
    parts = ["Procedures", "Gemcitabine at a dose of 1 g per square meter was administered "
             "intravenously once every 3 weeks for three cycles."]
    zh = "程序吉西他滨（剂量为每平方米体表面积1 g）每3周静脉给药1次，共给药3个周期。"
    assert split_for(parts, zh) == ("程序", zh[2:])
