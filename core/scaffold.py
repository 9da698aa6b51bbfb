"""`zhifa plugin new NAME`: a new plug-in package a department fills in instead of starting blank.

The package is shaped like examples/zhifa-forestry: a DataPlugin, three data files holding one
valid example each (marked 示例 so nobody ships them by mistake), a test that runs the plug-in kit
(zhifa.schema.testing) and a README. The templates live here rather than in a template folder because
zhifa's package data ships only *.toml, and a scaffold that works only from a checkout is no use.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from zhifa.core.plugin_manager import BUILTIN

# A lowercase identifier, short enough that the derived codes fit the loader's 40-character limit.
NAME = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
# Whatever goes into a TOML or Python string literal unescaped.
UNSAFE_TEXT = re.compile(r'["\\\n\r\t]')


class ScaffoldError(Exception):
    """Why a plug-in package cannot be created; the message is shown to the user as is."""


def new_plugin(name: str, parent: Path = Path("."), *, domain_zh: str | None = None) -> Path:
    """Write `parent/zhifa-NAME/` and return it; refuse a bad name or an existing folder."""
    domain_zh = _check(name, domain_zh)
    folder = parent / f"zhifa-{name}"
    if folder.exists():
        raise ScaffoldError(f"目录 {folder} 已存在，为避免覆盖已有内容未做任何修改；请换一个名称，或用 --dir 指定其他位置")
    for relative, text in plugin_files(name, domain_zh).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def _check(name: str, domain_zh: str | None) -> str:
    if not NAME.match(name):
        raise ScaffoldError(
            f"插件名称“{name}”无效：应为小写标识符——以小写字母开头，只含小写字母、数字和下划线，"
            "不超过 30 个字符，如 forestry、water_resources"
        )
    if name in BUILTIN:
        raise ScaffoldError(f"插件名称“{name}”与内置插件重名，zhifa 会拒绝加载；请换一个名称")
    domain_zh = (domain_zh or "").strip() or "示例领域"
    if UNSAFE_TEXT.search(domain_zh):
        raise ScaffoldError(f"领域中文名“{domain_zh}”不能含引号、反斜杠、制表符或换行")
    return domain_zh


def plugin_files(name: str, domain_zh: str) -> dict[str, str]:
    """Relative path -> content of every file of the new package."""
    values = {
        "name": name,
        "package": f"zhifa_{name}",
        "prefix": name.upper().replace("_", ""),  # item codes: uppercase letters and digits
        "domain_zh": domain_zh,
        "name_en": name.replace("_", " ").title(),
    }
    package = values["package"]
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{package}/__init__.py": INIT,
        f"{package}/data/items.toml": ITEMS,
        f"{package}/data/discretion.toml": DISCRETION,
        f"{package}/data/checklists.toml": CHECKLISTS,
        "tests/test_plugin.py": TEST,
    }
    return {path: Template(text).substitute(values) for path, text in files.items()}


PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "zhifa-$name"
dynamic = ["version"]
description = "zhifa ${domain_zh}执法插件"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["zhifa"]

[project.optional-dependencies]
test = ["pytest"]

# zhifa finds the plug-in through this entry point; the name is what plugins.toml enables.
[project.entry-points."zhifa.plugins"]
$name = "$package:plugin"

[tool.setuptools.dynamic]
version = { attr = "$package.__version__" }

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["data/*.toml"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

INIT = '''\
"""${domain_zh}（$name）：zhifa 执法领域插件。

插件由一个领域描述和 data/ 下的三个数据文件组成：执法事项（items.toml）、裁量基准
（discretion.toml）和检查清单（checklists.toml）。需要领域规则（钩子 zhifa_case_checks 等）时，
继承 DataPlugin 并用 core.hooks.hookimpl 实现相应钩子。
"""

from pathlib import Path

from zhifa.core.hooks import DataPlugin, Domain

# 修改执法事项或裁量基准后请提升版本号。
__version__ = "0.1.0"

plugin = DataPlugin(
    Domain(code="$name", name_zh="$domain_zh", name_en="$name_en", version=__version__),
    data=Path(__file__).parent / "data",
)
'''

ITEMS = """\
# 执法事项目录。以下为【示例】，请替换为本部门的执法事项；格式见 zhifa 文档 docs/plugin-data-format.md。
# 事项代码在所有插件中必须唯一：建议用领域拼音首字母作前缀加三位数字（如林业 LY001）。

[[item]]
code = "${prefix}001"
name = "示例：未取得许可擅自从事经营活动"
kind = "penalty"
violated = "示例：《某某管理条例》第十条"
basis = "示例：《某某管理条例》第三十条"
law_version = 2020-01-01
penalty_kinds = ["warning", "fine", "confiscate_illegal_gains"]
measures = ["order_stop", "order_correction"]
delegable = false
effective_from = 2020-01-01
major_fine = 50000

[[item.facts]]
name = "illegal_gains"
type = "money"
label = "示例：违法所得（元）"

[[item.facts]]
name = "first_violation"
type = "boolean"
label = "初次违法"

[[item.facts]]
name = "harm_minor"
type = "boolean"
label = "危害后果轻微"

[[item.facts]]
name = "corrected_promptly"
type = "boolean"
label = "及时改正"

# 处罚依据规定的法定罚款幅度（按条文逐项写，第一条 when 成立的适用，最后一条不写 when）。
# 任何理由都不能使罚款超过它；裁量基准的档次必须落在它之内。
[[item.bound]]
when = "illegal_gains > 0"
fine_base = "illegal_gains"
fine_rate_min = "1"
fine_rate_max = "5"

[[item.bound]]
fine_max = 50000
"""

DISCRETION = """\
# 裁量基准：每个处罚类事项一张表。以下为【示例】，请替换为本部门发布的裁量基准。
# 档次按顺序匹配，第一个条件成立的档次适用：条件最窄的写在前面，最后一档不写 when。

[[table]]
item = "${prefix}001"
issuer = "示例：某某县${domain_zh}主管部门（待发布）"
effective_from = 2020-01-01

[[table.tier]]
code = "minor"
name = "轻微"
when = "first_violation and harm_minor and corrected_promptly"
outcome = "no_penalty"
first_violation = true
reasons = "示例：初次违法且危害后果轻微并及时改正的，依据《中华人民共和国行政处罚法》第三十三条第一款，可以不予行政处罚。"

[[table.tier]]
code = "serious"
name = "严重"
when = "illegal_gains >= 10000"
outcome = "penalty"
fine_min = 10000
fine_max = 50000
other_penalties = ["confiscate_illegal_gains"]
reasons = "示例：违法所得一万元以上的，依据《某某管理条例》第三十条，没收违法所得，并处一万元以上五万元以下的罚款。"

[[table.tier]]
code = "normal"
name = "一般"
outcome = "penalty"
fine_min = 1000
fine_max = 10000
reasons = "示例：依据《某某管理条例》第三十条，处一千元以上一万元以下的罚款。"

[[table.factor]]
code = "mitigated"
name = "示例：主动消除或者减轻违法行为危害后果"
effect = "mitigating"
when = "corrected_promptly"
basis = "《中华人民共和国行政处罚法》第三十二条第一项"
"""

CHECKLISTS = """\
# 检查清单。以下为【示例】，请替换为本部门的检查清单；每个检查要点的 item 必须是已有的事项代码。

[[checklist]]
code = "${prefix}-CL01"
name = "示例：${domain_zh}日常检查清单"
applies_to = ["legal_person", "individual_business"]
industries = []

[[checklist.point]]
code = "${prefix}-CL01-01"
text = "示例：是否取得相关许可"
basis = "示例：《某某管理条例》第十条"
item = "${prefix}001"
"""

TEST = '''\
"""用 zhifa 的插件检查工具检查本插件。

夹具 zhifa_plugin_kit 由 zhifa 自带的 pytest 插件提供，安装 zhifa 后即可使用。先安装本包
（pip install -e '.[test]'），zhifa 才能通过入口点找到它。
"""


def test_plugin_passes_the_zhifa_kit(zhifa_plugin_kit):
    # 与五个内置插件一起加载，和生产环境一致：事项代码、领域或 GraphQL 字段重名也会被发现。
    zhifa_plugin_kit.assert_ok("$name", with_builtins=True)
'''

README = """\
# zhifa-$name：${domain_zh}执法插件

本包是 zhifa 综合行政执法平台的领域插件，提供“${domain_zh}”领域（代码 `$name`）的执法事项、
裁量基准和检查清单。由 `zhifa plugin new $name` 生成，其中的数据均为**示例**，上线前必须替换。

## 目录

- `pyproject.toml`：包信息；入口点组 `zhifa.plugins` 中的 `$name` 就是 plugins.toml 中启用的名称
- `$package/__init__.py`：领域描述（中文名、英文名、版本号）
- `$package/data/items.toml`：执法事项目录
- `$package/data/discretion.toml`：裁量基准，每个处罚类事项一张
- `$package/data/checklists.toml`：检查清单，每个检查要点对应一个执法事项
- `tests/test_plugin.py`：用 zhifa 的插件检查工具检查本插件

数据文件的格式（字段、处罚种类、裁量条件的写法）见 zhifa 文档 `docs/plugin-data-format.md`。

## 编写步骤

1. 在 `items.toml` 中录入本部门的执法事项，删除所有标有“示例”的内容。事项代码在所有插件中
   必须唯一，建议用领域拼音首字母作前缀加三位数字。
2. 为每个处罚类事项在 `discretion.toml` 中写一张裁量基准表，至少一个档次。
3. 在 `checklists.toml` 中写检查清单，每个检查要点的 `item` 填对应的事项代码。
4. 在装有 zhifa 的环境中安装本包并运行检查：

   ```bash
   pip install -e '.[test]'
   pytest
   ```

   检查内容：数据文件有效、每个处罚类事项都有裁量基准、每张裁量基准至少有一个档次、
   每个检查要点都对应已有事项、本插件与核心及内置插件一起能构建 GraphQL 模式、至少声明一个领域。
   每个问题都会指出文件和条目。

## 启用

在 zhifa 的 `plugins.toml` 中加入本插件，然后同步数据库并查看：

```toml
[plugins]
enabled = ["construction", "market", "ecology", "transport", "agriculture", "$name"]
```

```bash
zhifa db upgrade
zhifa plugins list
```

## 修改已上线的数据

zhifa 按版本保存执法事项，案件引用违法行为发生时有效的版本。修改事项或其裁量基准时，
请同时把 `effective_from` 改为新规定的施行日期（晚于原日期），并提升 `$package/__init__.py`
中的版本号；不改施行日期的修改会被 `zhifa db upgrade` 拒绝，因为那等于改写已办案件适用的规定。
"""
