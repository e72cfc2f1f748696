"""Demo notices (with receipts, an honours publicity on the public board), a survey and suggestions.

Idempotent: nothing is added when demo notices exist."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area, AreaKind
from gongzhi.notices import bulletins, suggestions, surveys
from gongzhi.notices.models_bulletins import Notice, Suggestion, Survey


def _user(username):
    return User.objects.filter(username=username).first()


def load(areas: dict) -> None:
    if Notice.objects.filter(is_demo=True).exists():
        return
    now = timezone.now()
    fangsong, malu = areas["fangsong"], areas["malu"]
    malu_committee = (
        Area.objects.subtree(malu)
        .filter(kind=AreaKind.RESIDENTS_COMMITTEE, in_preparation=False)
        .order_by("path")
        .first()
    )
    notices = [
        bulletins.publish_notice(
            actor=_user("fangsong_admin"),
            kind="announcement",
            title="关于开展冬季消防安全检查的通知",
            body="各居民区、驻区单位：为做好冬季消防安全工作，街道将于本月开展消防安全检查，请做好自查。",
            audience_kind="area_residents",
            audience_id=fangsong.pk,
            receipts_required=True,
            expires_at=now + dt.timedelta(days=30),
        ),
        bulletins.publish_notice(
            actor=_user("fangsong_admin"),
            kind="honour",
            title="方松街道2026年度优秀志愿者和先进驻区单位公示",
            body="经各居民区推荐、街道评议，拟表彰优秀志愿者20名、先进驻区单位5家，现予公示。公示期7天。",
            audience_kind="area_units",
            audience_id=fangsong.pk,
            is_public=True,
            expires_at=now + dt.timedelta(days=7),
        ),
        bulletins.publish_notice(
            actor=None,
            kind="bulletin",
            title="马陆镇区域化党建工作简报（第12期）",
            body="本期内容：共建项目进展、双报到情况、资源需求对接成果。",
            audience_kind="area_units",
            audience_id=malu.pk,
        ),
    ]
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(is_demo=True)
    if malu_committee is not None:
        survey = surveys.create_survey(
            actor=None,
            title="社区为老服务需求调查",
            description="请花两分钟告诉我们您最需要的为老服务。",
            audience_kind="area_residents",
            audience_id=malu_committee.pk,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=14),
            questions=[
                {"kind": "single", "text": "您家中是否有70岁以上老人？", "choices": ["有", "没有"]},
                {
                    "kind": "multiple",
                    "text": "您最需要哪些服务？",
                    "choices": ["助餐", "助浴", "健康咨询", "陪同就医", "文体活动"],
                },
                {"kind": "rating", "text": "您对目前社区为老服务的满意度", "rating_max": 5},
                {"kind": "text", "text": "其他意见和建议", "required": False},
            ],
        )
        surveys.publish_survey(actor=None, survey=survey)
        Survey.objects.filter(pk=survey.pk).update(is_demo=True)
        posted = [
            suggestions.submit_suggestion(
                actor=None,
                area=malu_committee,
                title="小区健身器材损坏",
                body="3号楼旁的健身器材有两件已损坏，存在安全隐患。",
                client_address="demo-1",
                rate_limited=False,
            ),
            suggestions.submit_suggestion(
                actor=_user("malu_resident"),
                area=malu_committee,
                title="希望开设老年人智能手机培训",
                body="很多老人不会用手机挂号、扫码，希望社区组织培训。",
                client_address="demo-2",
                rate_limited=False,
            ),
            suggestions.submit_suggestion(
                actor=None,
                area=malu_committee,
                title="夜间道路照明不足",
                body="小区北门到公交站的路段晚上很暗。",
                client_address="demo-3",
                rate_limited=False,
            ),
        ]
        suggestions.answer_suggestion(
            actor=None,
            suggestion=posted[0],
            answer="已联系物业，器材将于本周内维修完毕，维修前已设置警示标志。",
        )
        suggestions.suggestion_to_need(
            actor=None,
            suggestion=posted[1],
            kind="professional_service",
            wanted_from=now + dt.timedelta(days=20),
            wanted_until=now + dt.timedelta(days=50),
            quantity=8,
            people_count=40,
        )
        Suggestion.objects.filter(pk__in=[s.pk for s in posted]).update(is_demo=True)
