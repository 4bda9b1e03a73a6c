"""Write or check the README's settings reference and environment table.

The settings reference is generated from every role's meta/argument_specs.yml and the
environment table from inventories/*/group_vars/*.yml, so neither can drift from what the
roles really read. Usage:

    python bin/settings_doc.py           # rewrite the two README sections
    python bin/settings_doc.py --check   # exit 1 if the README is out of date
"""

import argparse
import difflib
import glob
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
ROLE_ORDER = ["preflight", "table", "lambda", "apigateway", "summary"]
SECTIONS = {
    "settings": ("<!-- settings:start -->", "<!-- settings:end -->"),
    "environments": ("<!-- environments:start -->", "<!-- environments:end -->"),
}


def _cell(value):
    """Markdown table cell text for a YAML value."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, sort_keys=True)
    else:
        text = str(value)
    return "`" + text.replace("|", "\\|") + "`"


def _plain(text):
    """Strip ansible-doc markup such as C(x) and I(x) for a README cell."""
    text = " ".join(text) if isinstance(text, list) else str(text)
    return re.sub(r"\b[CIBMOV]\(([^)]*)\)", r"`\1`", text).replace("|", "\\|")


def _rows(options, prefix=""):
    for name, spec in options.items():
        full = f"{prefix}{name}"
        kind = spec.get("type", "str")
        if kind == "list" and spec.get("elements"):
            kind = f"list of {spec['elements']}"
        allowed = ", ".join(str(c) for c in spec.get("choices", [])) or ""
        default = "required" if spec.get("required") else _cell(spec.get("default"))
        yield f"| `{full}` | {kind} | {default} | {allowed} | {_plain(spec['description'])} |"
        if spec.get("options"):
            yield from _rows(spec["options"], prefix=f"{full}.")


def settings_section():
    lines = []
    seen = set()
    for role in ROLE_ORDER:
        path = os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            spec = yaml.safe_load(handle)["argument_specs"]["main"]
        options = {k: v for k, v in spec.get("options", {}).items() if k not in seen}
        seen.update(options)
        if not options:
            continue
        lines += [
            f"#### Role `{role}`",
            "",
            "| variable | type | default | allowed values | description |",
            "|---|---|---|---|---|",
            *_rows(options),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def environments_section():
    envs = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "inventories", "*", "group_vars", "*.yml"))):
        env = path.split(os.sep)[-3]
        with open(path, encoding="utf-8") as handle:
            envs.setdefault(env, {}).update(yaml.safe_load(handle) or {})
    names = sorted(envs)
    variables = sorted({v for values in envs.values() for v in values})
    lines = [
        "| variable | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for var in variables:
        cells = [_cell(envs[env][var]) if var in envs[env] else "role default" for env in names]
        lines.append(f"| `{var}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render(readme):
    generated = {"settings": settings_section(), "environments": environments_section()}
    for key, (start, end) in SECTIONS.items():
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(readme):
            raise SystemExit(f"README.md lacks the markers {start} ... {end}")
        readme = pattern.sub(lambda _m, k=key, s=start, e=end: f"{s}\n{generated[k]}{e}", readme)
    return readme


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    args = parser.parse_args(argv)
    with open(README, encoding="utf-8") as handle:
        current = handle.read()
    wanted = render(current)
    if args.check:
        if wanted != current:
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), wanted.splitlines(True), "README.md", "generated"))
            print("README.md is out of date: run python bin/settings_doc.py", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        with open(README, "w", encoding="utf-8") as handle:
            handle.write(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
