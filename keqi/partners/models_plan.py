"""Plan items that had no home (issue 17), kept like the other partners lists: every
entry belongs to the unit that recorded it and only that unit changes it.

| record | plan text |
|---|---|
| Alliance 产业技术创新战略联盟 | 三（一）3 组建产业技术创新战略联盟，深化产学研合作 |
| Carrier 载体 / CarrierSettlement 入驻 | 三（一）3 推动京津中关村科技城等载体建设；措施9 各街镇、园区做好科技型企业入驻承载工作 |
| OverseasStation 驻外招商工作站 | 措施9 外派招商工作站与区内载体单位有机融合 |
| StandardWork 标准制定 | 三（一）2 鼓励企业参与国际、国内和行业标准制定 |
| CivMilProject 军民融合 | 三（一）3 促进军民两用技术双向转化和军民融合产业化项目实施 |
"""

from __future__ import annotations

from django.db import models

from keqi.accounts.models import Area, Unit
from keqi.partners.models import Institution
from keqi.registry.models import Enterprise


def _unit() -> models.ForeignKey[Unit, Unit]:
    return models.ForeignKey(
        Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )


def _note() -> models.CharField[str, str]:
    return models.CharField("说明", max_length=500, blank=True)


class AllianceLevel(models.TextChoices):
    NATIONAL = "国家级", "国家级"
    CITY = "市级", "市级"
    DISTRICT = "区级", "区级"
    OTHER = "其他", "其他"


class Alliance(models.Model):
    """An 产业技术创新战略联盟 with its member enterprises and institutions."""

    name = models.CharField("联盟名称", max_length=200, unique=True)
    level = models.CharField("级别", max_length=10, choices=AllianceLevel.choices)
    field = models.CharField("产业领域", max_length=100, blank=True)
    founded_on = models.DateField("成立日期")
    lead = models.CharField("牵头单位", max_length=200, blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="成员企业", related_name="+"
    )
    institutions = models.ManyToManyField(
        Institution, verbose_name="成员院所", blank=True, related_name="+"
    )
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "产业技术创新战略联盟"
        verbose_name_plural = "产业技术创新战略联盟"
        ordering = ["-founded_on", "name"]

    def __str__(self) -> str:
        return self.name


class CarrierKind(models.TextChoices):
    SCIENCE_CITY = "科技城", "科技城"
    PARK = "产业园区", "产业园区"
    INCUBATOR = "孵化器", "孵化器"
    MAKERSPACE = "众创空间", "众创空间"
    OTHER = "其他载体", "其他载体"


class Carrier(models.Model):
    """A carrier (载体) that hosts enterprises: 京津中关村科技城, a park, an incubator."""

    name = models.CharField("载体名称", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=10, choices=CarrierKind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name="所在街镇/园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator = models.CharField("运营管理单位", max_length=200, blank=True)
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "载体"
        verbose_name_plural = "载体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CarrierSettlement(models.Model):
    """An enterprise settled in a carrier (入驻承载) from a day, until it left."""

    carrier = models.ForeignKey(
        Carrier, verbose_name="载体", on_delete=models.PROTECT, related_name="settled"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    settled_on = models.DateField("入驻日期")
    left_on = models.DateField("迁出日期", null=True, blank=True)
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "入驻记录"
        verbose_name_plural = "载体入驻"
        ordering = ["-settled_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "enterprise", "settled_on"],
                name="partners_one_settlement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}入驻{self.carrier}"


class OverseasStation(models.Model):
    """An 外派/驻外招商工作站, tied to a district carrier (与区内载体单位有机融合)."""

    name = models.CharField("工作站名称", max_length=200, unique=True)
    region = models.CharField("驻在地", max_length=100)
    opened_on = models.DateField("设立日期")
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        verbose_name="对接载体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
    )
    contact = models.CharField("负责人及电话", max_length=100, blank=True)
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "驻外招商工作站"
        verbose_name_plural = "驻外招商工作站"
        ordering = ["-opened_on", "name"]

    def __str__(self) -> str:
        return self.name


class StandardLevel(models.TextChoices):
    INTERNATIONAL = "国际标准", "国际标准"
    NATIONAL = "国家标准", "国家标准"
    INDUSTRY = "行业标准", "行业标准"
    LOCAL = "地方标准", "地方标准"
    GROUP = "团体标准", "团体标准"


class StandardStage(models.TextChoices):
    PROPOSED = "立项", "立项"
    DRAFTING = "起草", "起草"
    PUBLISHED = "发布", "发布"


class StandardWork(models.Model):
    """A standard enterprises draft (标准制定), tracked from 立项 to 发布."""

    title = models.CharField("标准名称", max_length=200)
    level = models.CharField("标准类别", max_length=10, choices=StandardLevel.choices)
    number = models.CharField("标准号", max_length=60, blank=True)
    stage = models.CharField("进展", max_length=4, choices=StandardStage.choices)
    lead_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="主导企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="参与起草企业", blank=True, related_name="+"
    )
    started_on = models.DateField("立项日期")
    published_on = models.DateField("发布日期", null=True, blank=True)
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "标准制定"
        verbose_name_plural = "标准制定"
        ordering = ["-started_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "title"], name="partners_one_standard_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CivMilDirection(models.TextChoices):
    MIL_TO_CIV = "军转民", "军用技术转民用"
    CIV_TO_MIL = "民参军", "民用技术参军"
    INDUSTRY = "产业化", "军民融合产业化项目"


class CivMilProject(models.Model):
    """A 军民融合 project: dual-use technology transfer or an industrial project."""

    title = models.CharField("项目名称", max_length=200, unique=True)
    direction = models.CharField("方向", max_length=4, choices=CivMilDirection.choices)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name="承担企业", related_name="+"
    )
    partner = models.CharField("合作军工单位/院所", max_length=200, blank=True)
    started_on = models.DateField("开始日期")
    amount = models.DecimalField(
        "投资额（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    outcome = models.CharField("进展与成效", max_length=500, blank=True)
    unit = _unit()
    note = _note()

    class Meta:
        verbose_name = "军民融合项目"
        verbose_name_plural = "军民融合项目"
        ordering = ["-started_on", "title"]

    def __str__(self) -> str:
        return self.title
