"""The organisation: districts, their areas (街道/镇/园区), units and their users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class District(models.Model):
    """A district (区) served by this install; one in a single-district install.

    Its areas and units belong to it; enterprises, plans and funds reach it through
    them. `key_industries` is the district's 重点产业 list from its file."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    key_industries = models.JSONField("重点产业", default=list, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class AreaKind(models.TextChoices):
    STREET = "street", "街道"
    TOWN = "town", "镇"
    PARK = "park", "园区"


class Area(models.Model):
    """A street, town or park; every enterprise belongs to exactly one."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    kind = models.CharField("类型", max_length=10, choices=AreaKind.choices)
    district = models.ForeignKey(
        District,
        verbose_name="所属区",
        null=True,
        on_delete=models.PROTECT,
        related_name="areas",
    )
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "街镇/园区"
        verbose_name_plural = "街镇/园区"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    HQ = "hq", "指挥部办公室"
    MEMBER = "member", "成员单位"
    AREA = "area", "街镇/园区"
    CITY = "city", "市级单位"


class Unit(models.Model):
    """An office that has users: the HQ office, a member unit, or an area's office."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=10, choices=UnitKind.choices)
    area = models.ForeignKey(
        Area,
        verbose_name="所辖街镇/园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    district = models.ForeignKey(
        District,
        verbose_name="所属区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text="市级单位为空",
    )
    is_finance = models.BooleanField(
        "区财政部门",
        default=False,
        help_text="由区配置文件指定的区财政部门，可登记拨付、设定分担比例和年度结算",
    )
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(
                name="area_unit_has_area",
                condition=~models.Q(kind="area") | models.Q(area__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", "指挥部管理员"
    MEMBER = "member", "成员单位"
    AREA_STAFF = "area_staff", "街镇/园区工作人员"
    LEADER = "leader", "领导（只读）"
    AUDITOR = "auditor", "审计（只读）"
    CITY = "city", "市级"
    # 三员分立 (等保 2.0): each of these sees no business data and none may do the
    # others' work; only the server's operator (the `keqi user` command) makes them.
    SYS_ADMIN = "sys_admin", "系统管理员"
    SEC_ADMIN = "sec_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "安全审计员"


# The three administrators of 三员分立; the system administrator's pages never
# create, change or reset them.
ADMIN_ROLES = (Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN)


class User(AbstractUser):
    """A person who logs in; belongs to one unit and has one role."""

    full_name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(
        "角色", max_length=20, choices=Role.choices, default=Role.LEADER
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def area_id_in_scope(self) -> int | None:
        """The one area an area-staff user is confined to, else None."""
        if self.role == Role.AREA_STAFF and self.unit is not None:
            return self.unit.area_id
        return None

    @property
    def district_id_in_scope(self) -> int | None:
        """The district a district user is confined to (None: no district)."""
        return self.unit.district_id if self.unit is not None else None

    @property
    def is_city(self) -> bool:
        """A city user: reads every district, changes no district's data (it keeps
        the city-wide 评价规则 instead: keqi.criteria.access)."""
        return self.role == Role.CITY and self.is_active

    @property
    def is_hq(self) -> bool:
        return self.role == Role.HQ_ADMIN or self.is_superuser

    @property
    def sees_whole_district(self) -> bool:
        return self.role != Role.AREA_STAFF or self.is_superuser

    @property
    def is_admin_role(self) -> bool:
        """One of the three administrators (系统管理员, 安全管理员, 安全审计员)."""
        return self.role in ADMIN_ROLES


class PasswordHistory(models.Model):
    """The hash of a password a person has had, so the last few cannot be reused."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码摘要", max_length=128)
    at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """A failed login under a normalised user name, kept to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username}@{self.address} {self.at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """A user name locked after too many failures; ends at `until` or when unlocked.

    `username` is the normalised name (NFKC, casefolded, stripped), so `leader `
    and ｌｅａｄｅｒ are the same lock.
    """

    username = models.CharField("用户名", max_length=150, db_index=True)
    address = models.CharField("最后失败来源地址", max_length=64, blank=True)
    failures = models.PositiveIntegerField("失败次数")
    locked_at = models.DateTimeField("锁定时间", auto_now_add=True, db_index=True)
    until = models.DateTimeField("锁定至")
    unlocked_at = models.DateTimeField("解锁时间", null=True, blank=True)
    unlocked_by = models.ForeignKey(
        User,
        verbose_name="解锁人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-locked_at", "-id"]

    def __str__(self) -> str:
        at = timezone.localtime(self.locked_at)
        return f"{self.username}（{at:%Y-%m-%d %H:%M} 锁定）"


class PolicyKey(models.TextChoices):
    PASSWORD_MIN_LENGTH = "password_min_length", "密码最短长度"
    PASSWORD_HISTORY = "password_history", "不得重复使用的历史密码个数"
    LOGIN_MAX_FAILURES = "login_max_failures", "登录失败锁定次数"
    LOGIN_LOCK_SECONDS = "login_lock_seconds", "锁定时长（秒）"
    SESSION_IDLE_MINUTES = "session_idle_minutes", "会话空闲超时（分钟）"


class SecurityPolicy(models.Model):
    """One change of one security policy value by the security administrator.

    Append-only: the newest row per key is the value in force; a key with no row
    takes the server's environment variable (or its default)."""

    key = models.CharField("策略", max_length=40, choices=PolicyKey.choices)
    value = models.PositiveIntegerField("值")
    reason = models.CharField("原因", max_length=500)
    changed_by = models.ForeignKey(
        User,
        verbose_name="修改人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "安全策略修改"
        verbose_name_plural = "安全策略修改"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["key", "-id"], name="securitypolicy_key_newest")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} = {self.value}"
