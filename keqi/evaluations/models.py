"""Stored evaluations: a run over the registry as of a date, and every verdict it gave.

A run keeps the engine setup it used (rule version, HQ's parameter overrides and
composed programmes); each enterprise evaluated keeps the exact facts the engine saw;
each verdict keeps its JSON text.  Together they let a past verdict be re-evaluated
and compared byte for byte, whatever has changed in the registry since.

Facts are stored once per distinct text (:class:`FactsText`, content-addressed by
a BLAKE2b digest), compressed against a sample of their kind
(:class:`TextDictionary`).  A verdict of a programme with a columnar path keeps
its outcome, route, score and condition statuses as codes (the columnar engine's
result); its full text (explanation, conditions, gaps) is produced when viewed by
the per-enterprise engine from the stored facts with the run's rules and
parameters, and checked against the codes.  Other verdicts (composed programmes)
keep their text, once per distinct text (:class:`VerdictText`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils import timezone

from keqi.registry.models import Enterprise

#: A run with no progress for this long is reported as possibly interrupted.
STALL_AFTER = dt.timedelta(minutes=10)


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "评价中"
    DONE = "done", "已完成"
    FAILED = "failed", "未完成（出错）"


class RunTrigger(models.TextChoices):
    BUTTON = "button", "网页按钮"
    CLI = "cli", "命令行 keqi evaluate --registry"
    DEMO = "demo", "演示数据"


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", "符合条件"
    INELIGIBLE = "ineligible", "不符合条件"
    UNDETERMINED = "undetermined", "尚不能确定"


class EvaluationRun(models.Model):
    """One evaluation of every enterprise of a district as of a date.

    A district's HQ starts runs of its own district; only the system (``keqi
    evaluate --registry`` without ``--district`` on an install of several
    districts) makes a run of the whole city (no district), which only the city
    reads.
    """

    district = models.ForeignKey(
        "accounts.District",
        verbose_name="所属区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空为全市（各区全部企业）",
    )
    as_of = models.DateField("评价基准日")
    trigger = models.CharField("发起方式", max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    programmes = models.JSONField("限定项目", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField("企业总数", default=0)
    done = models.PositiveIntegerField("已评价", default=0)
    verdicts = models.PositiveIntegerField("结论条数", default=0)
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    setup = models.JSONField("规则与参数快照", default=dict)
    #: Per programme stored as codes: its condition ids, in the order of each
    #: verdict's ``codes`` (see :class:`StoredVerdict`).
    conditions = models.JSONField("各项目条件顺序", default=dict, blank=True)
    rules_version = models.CharField("规则版本", max_length=40)
    task_id = models.CharField("后台任务编号", max_length=64, blank=True)
    error = models.TextField("出错信息", blank=True)

    class Meta:
        verbose_name = "评价批次"
        verbose_name_plural = "评价批次"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"第{self.pk}次评价（基准日 {self.as_of.isoformat()}）"

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 when finished)."""
        if self.status == RunStatus.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        """Waiting or running with no progress for STALL_AFTER (e.g. the worker
        was stopped mid-run): the page stops refreshing and says so."""
        if not self.in_progress:
            return False
        last = self.progressed_at or self.requested_at
        return last is not None and timezone.now() - last > STALL_AFTER

    @property
    def overrides(self) -> dict[str, object]:
        """HQ's parameter overrides in force for this run (from the snapshot)."""
        return dict(self.setup.get("overrides", {}))


def text_digest(text: str) -> str:
    """The content address of a stored text: BLAKE2b-128 of its UTF-8, in hex."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class TextDictionary(models.Model):
    """A sample text that texts of the same kind are compressed against.

    Verdicts of one programme (or facts of different enterprises) share most of
    their wording, so deflate primed with one sample of the kind shrinks a 7 KB
    verdict to about 150 bytes.  Content-addressed by its digest and never changed
    or deleted, so every text compressed against it stays readable.
    """

    digest = models.CharField("摘要（BLAKE2b）", max_length=32, primary_key=True)
    kind = models.CharField("用于", max_length=80, unique=True)
    body = models.BinaryField("样本内容")

    class Meta:
        verbose_name = "压缩样本"
        verbose_name_plural = "压缩样本"

    def __str__(self) -> str:
        return self.kind


#: The most of a sample deflate can use (its window).
DICTIONARY_BYTES = 32 * 1024


def text_pack(text: str, dictionary: bytes | None = None) -> bytes:
    """A stored text as kept: raw deflate primed with ``dictionary``, or zlib."""
    if dictionary is None:
        return zlib.compress(text.encode(), 6)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zdict=dictionary)
    return packer.compress(text.encode()) + packer.flush()


def text_unpack(body: bytes | memoryview, dictionary: bytes | None = None) -> str:
    """Inverse of :func:`text_pack`."""
    if dictionary is None:
        return zlib.decompress(bytes(body)).decode()
    unpacker = zlib.decompressobj(-15, zdict=dictionary)
    return (unpacker.decompress(bytes(body)) + unpacker.flush()).decode()


@lru_cache(maxsize=64)
def dictionary_body(digest: str) -> bytes:
    """A sample's bytes (cached: a digest always names the same bytes)."""
    return bytes(TextDictionary.objects.values_list("body", flat=True).get(pk=digest))


class StoredText(models.Model):
    """A distinct text kept once however many runs use it (compressed)."""

    digest = models.CharField("摘要（BLAKE2b）", max_length=32, unique=True)
    dictionary = models.ForeignKey(
        TextDictionary,
        verbose_name="压缩样本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    body = models.BinaryField("内容（压缩）")

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        sample = (
            None if self.dictionary_id is None else dictionary_body(self.dictionary_id)
        )
        return text_unpack(self.body, sample)


class FactsText(StoredText):
    """The facts the engine saw for an enterprise (canonical JSON), once per text."""

    class Meta:
        verbose_name = "评价所用数据"
        verbose_name_plural = "评价所用数据"

    def __str__(self) -> str:
        return self.digest


class VerdictText(StoredText):
    """A verdict's full JSON text, once per distinct text."""

    class Meta:
        verbose_name = "结论全文"
        verbose_name_plural = "结论全文"

    def __str__(self) -> str:
        return self.digest


class EvaluatedEnterprise(models.Model):
    """One enterprise in one run, with the exact facts the engine saw (JSON text)."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评价批次",
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # the unique (run, enterprise) index serves
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    facts_text = models.ForeignKey(
        FactsText,
        verbose_name="评价所用数据",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = "参评企业"
        verbose_name_plural = "参评企业"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"], name="evaluations_entry_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} · 企业 {self.enterprise_id}"

    @property
    def facts(self) -> str:
        """The facts text (canonical JSON) the engine evaluated."""
        return self.facts_text.text


class StoredVerdict(models.Model):
    """One programme's verdict for one enterprise in one run, as the engine gave it."""

    # The run's rows are found through the unique (run, enterprise, programme)
    # index, so the run needs no index of its own.
    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评价批次",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    programme = models.CharField("项目", max_length=40)
    programme_name = models.CharField("项目名称", max_length=60)
    version = models.CharField("规则版本", max_length=40)
    outcome = models.CharField("结论", max_length=12, choices=Outcome.choices)
    score_low = models.IntegerField("得分（低）", null=True, blank=True)
    score_high = models.IntegerField("得分（高）", null=True, blank=True)
    #: ``None``: the programme may use unconfirmed parameters, and which ones
    #: this verdict used is read from its text (:attr:`flag_ids`).
    flags = models.JSONField("使用的待核实参数", null=True, blank=True, default=list)
    route = models.PositiveSmallIntegerField(
        "途径（0 无，1 评分，2 直通）", null=True, blank=True
    )
    #: One digit per condition (0 不满足, 1 待定, 2 满足) in the order of the
    #: run's ``conditions[programme]``; empty when the text is stored.
    codes = models.CharField("条件状态", max_length=120, blank=True, default="")
    text = models.ForeignKey(
        VerdictText,
        verbose_name="结论全文",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "评价结论"
        verbose_name_plural = "评价结论"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise", "programme"],
                name="evaluations_verdict_once_per_run",
            )
        ]
        indexes = [models.Index(fields=["run", "programme", "outcome"])]

    def __str__(self) -> str:
        return f"{self.run} · {self.programme_name} · {self.get_outcome_display()}"

    @property
    def stored_as_codes(self) -> bool:
        """Kept as the columnar engine's codes; the text is produced when read."""
        return self.text_id is None

    @property
    def result(self) -> str:
        """The verdict's full JSON text as the engine gives it (stored, or produced
        from the stored facts with the run's rules and parameters)."""
        if self.text is not None:
            return self.text.text
        from keqi.evaluations.texts import verdict_text

        return verdict_text(self)

    @property
    def flag_ids(self) -> list[str]:
        """The unconfirmed parameters this verdict used."""
        if self.flags is not None:
            return list(self.flags)
        from keqi.evaluations.texts import verdict_flags

        return verdict_flags(self)

    @property
    def entry(self) -> EvaluatedEnterprise:
        """This enterprise's row in the run (with the facts the engine saw)."""
        found: EvaluatedEnterprise | None = self.__dict__.get("_entry")
        if found is None:
            found = EvaluatedEnterprise.objects.select_related("facts_text").get(
                run_id=self.run_id, enterprise_id=self.enterprise_id
            )
            self.__dict__["_entry"] = found
        return found

    @property
    def score_text(self) -> str:
        """The score, or its range when expert items are open; — when not scored."""
        if self.score_low is None:
            return "—"
        if self.score_low == self.score_high:
            return str(self.score_low)
        return f"{self.score_low}–{self.score_high}"
