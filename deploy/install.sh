#!/usr/bin/env bash
# 科企离线安装脚本（随 keqi-bundle-<版本>.tar.gz 提供）。
#
# 用法（两条命令）：
#   tar xzf keqi-bundle-<版本>.tar.gz && ./keqi-bundle-<版本>/install.sh
#   keqi serve
#
# 前提：服务器已有 Python 3.11（含 venv 模块，Debian/Ubuntu 为 python3.11-venv），
# 不需要访问任何软件包仓库：所有依赖都以 wheel 形式放在本目录的 wheels/ 中，
# pip 以 --no-index 方式安装。
#
# 可用环境变量调整：
#   KEQI_PREFIX   安装目录（root 默认 /opt/keqi，普通用户默认 ~/keqi）
#   PYTHON        Python 3.11 解释器（默认 python3.11）
#   KEQI_NO_LINK  设为 1 时不在 /usr/local/bin 建 keqi 命令链接
#   KEQI_NO_INIT  设为 1 时不初始化数据库（例如数据库尚未建好时）
#
# 重复运行是安全的：已有的 keqi.env 配置和 var/ 数据目录不会被覆盖，
# 用新版本的安装包重复运行即为升级（升级前请先 keqi backup，见 docs/deploy.md）。
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
VERSION="@VERSION@"
PYTHON="${PYTHON:-python3.11}"
if [ "$(id -u)" = "0" ]; then
  PREFIX="${KEQI_PREFIX:-/opt/keqi}"
else
  PREFIX="${KEQI_PREFIX:-$HOME/keqi}"
fi

say() { printf '%s\n' "$*"; }
die() { printf '安装失败：%s\n' "$*" >&2; exit 1; }

# 1. 检查 Python 版本：wheel 是为 CPython 3.11 构建的。
command -v "$PYTHON" >/dev/null 2>&1 || die "找不到 $PYTHON，请先安装 Python 3.11（或用 PYTHON=/路径/python3.11 指定）。"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || die "$PYTHON 不是 Python 3.11，本安装包只适用于 Python 3.11。"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null \
  || die "$PYTHON 缺少 venv/ensurepip 模块（Debian/Ubuntu 请安装 python3.11-venv）。"

# 2. 独立的虚拟环境，只从本安装包的 wheels/ 安装，不连任何仓库。
say "安装到 $PREFIX ……"
mkdir -p "$PREFIX/bin" "$PREFIX/var"
test -x "$PREFIX/venv/bin/python" || "$PYTHON" -m venv "$PREFIX/venv"
PIP_CONFIG_FILE=/dev/null "$PREFIX/venv/bin/python" -m pip install \
  --quiet --disable-pip-version-check --no-index --find-links "$HERE/wheels" \
  --upgrade "keqi==$VERSION" \
  || die "从 wheels/ 安装 keqi $VERSION 失败（安装包可能不完整，或与本机的 CPU 架构不符）。"

# 3. 已构建好的静态文件（含 ECharts 图表库），网站启动时也会再收集一次。
rm -rf "$PREFIX/var/static"
cp -R "$HERE/static" "$PREFIX/var/static"

# 4. 配置文件：只在第一次安装时生成，之后由管理员维护（说明见 docs/deploy.md）。
if [ ! -f "$PREFIX/keqi.env" ]; then
  HOST_NAME="$(hostname 2>/dev/null || echo localhost)"
  cat > "$PREFIX/keqi.env" <<CONF
# 科企的配置（环境变量）。改动后重启服务生效。完整说明见 docs/deploy.md。
KEQI_VAR_DIR=$PREFIX/var
KEQI_DEBUG=0
# 数据库：默认 SQLite（var/keqi.sqlite3）；使用 PostgreSQL 时改为
# KEQI_DATABASE_URL=postgres://keqi:口令@127.0.0.1:5432/keqi
#KEQI_DATABASE_URL=
KEQI_ALLOWED_HOSTS=127.0.0.1,localhost,$HOST_NAME
KEQI_CSRF_TRUSTED_ORIGINS=http://127.0.0.1:8000,http://localhost:8000
# 首次启动为直接用 http 访问；放到 HTTPS 反向代理之后，请按 docs/deploy.md
# 改为 KEQI_SECURE_COOKIES=1、KEQI_SSL_REDIRECT=1、KEQI_HSTS_SECONDS=31536000、
# KEQI_BEHIND_HTTPS_PROXY=1，并把 KEQI_CSRF_TRUSTED_ORIGINS 改为 https://域名。
KEQI_SECURE_COOKIES=0
CONF
  chmod 600 "$PREFIX/keqi.env"
  say "已生成配置文件 $PREFIX/keqi.env"
fi

# 5. keqi 命令：先读配置文件，再运行虚拟环境里的 keqi。
cat > "$PREFIX/bin/keqi" <<WRAP
#!/usr/bin/env bash
# 科企命令：读取 $PREFIX/keqi.env 中的配置后运行。
set -a
. "$PREFIX/keqi.env"
set +a
exec "$PREFIX/venv/bin/keqi" "\$@"
WRAP
chmod 755 "$PREFIX/bin/keqi"
if [ "${KEQI_NO_LINK:-0}" != "1" ] && [ -w /usr/local/bin ]; then
  ln -sf "$PREFIX/bin/keqi" /usr/local/bin/keqi
  KEQI_CMD=keqi
else
  KEQI_CMD="$PREFIX/bin/keqi"
fi

# 6. 建库或升级数据库（可重复运行）。
if [ "${KEQI_NO_INIT:-0}" != "1" ]; then
  "$PREFIX/bin/keqi" init || die "数据库初始化失败，请检查 $PREFIX/keqi.env 中的 KEQI_DATABASE_URL。"
fi

say "科企 $VERSION 安装完成。"
say "启动：$KEQI_CMD serve            （默认 http://127.0.0.1:8000/）"
say "作为系统服务运行、HTTPS、备份：见安装包中的 deploy/ 和 docs/deploy.md。"
