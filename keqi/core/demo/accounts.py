"""The demo logins. README.md lists the same table; a test keeps them equal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from keqi.accounts.models import Role, Unit, User
from keqi.accounts.services import user_create
from keqi.core.demo.second_district import second_district_init

DEMO_PASSWORD = "keqi2019demo"


@dataclass(frozen=True)
class DemoAccount:
    """One demo login: who it is and what it may see."""

    username: str
    unit_code: str
    role: str
    full_name: str
    sees: str  # what the account may see and do, in Chinese


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("hq", "hq", Role.HQ_ADMIN, "演示·指挥部办公室", "可看可改全区"),
    DemoAccount("leader", "hq", Role.LEADER, "演示·区领导", "只读全区"),
    DemoAccount(
        "dakoutun", "dakoutun-gov", Role.AREA_STAFF, "演示·大口屯镇", "只看本镇企业"
    ),
    DemoAccount(
        "koudong", "koudong-gov", Role.AREA_STAFF, "演示·口东镇", "只看本镇企业"
    ),
    DemoAccount("kfq", "bdkfq-gwh", Role.AREA_STAFF, "演示·开发区", "只看本园区企业"),
    DemoAccount("gxj", "gxj", Role.MEMBER, "演示·区工信局", "只读全区"),
    DemoAccount(
        "czj", "czj", Role.MEMBER, "演示·区财政局", "只读全区，登记拨付与年度结算"
    ),
    DemoAccount("auditor", "hq", Role.AUDITOR, "演示·审计", "只读全区"),
    DemoAccount(
        "city",
        "city-kjj",
        Role.CITY,
        "演示·市科技局",
        "只读各区，区际比较，维护全市评价规则",
    ),
    DemoAccount(
        "sfhq", "sf-hq", Role.HQ_ADMIN, "演示·示范区科技局", "可看可改示范区（虚构）"
    ),
    DemoAccount(
        "sysadmin", "hq", Role.SYS_ADMIN, "演示·系统管理员", "只管账号，不看业务数据"
    ),
    DemoAccount(
        "secadmin", "hq", Role.SEC_ADMIN, "演示·安全管理员", "只管登录锁定与安全策略"
    ),
    DemoAccount(
        "auditadmin", "hq", Role.AUDIT_ADMIN, "演示·安全审计员", "只查看和导出操作记录"
    ),
)


@transaction.atomic
def demo_accounts_ensure() -> list[tuple[DemoAccount, bool]]:
    """Create the demo logins that do not exist yet; (account, created) for each.

    An existing login is left exactly as it is (its password is not reset).
    Raises Unit.DoesNotExist when `keqi init` has not loaded the units.
    """
    second_district_init()  # the city's and 示范区's demo logins belong to them
    done = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            done.append((account, False))
            continue
        user_create(
            username=account.username,
            password=DEMO_PASSWORD,
            unit=Unit.objects.get(code=account.unit_code),
            role=account.role,
            full_name=account.full_name,
            # The demo password is public and short on purpose (README); demo
            # logins are not asked to change it, so the demo works at once.
            password_policy=False,
        )
        done.append((account, True))
    return done
