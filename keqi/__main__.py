from __future__ import annotations

from keqi.cli import main

raise SystemExit(main())
