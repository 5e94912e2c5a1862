"""keqi（科企）：科技企业群体规模壮大攻坚行动管理平台。"""

from __future__ import annotations

__version__ = "0.1.0"
