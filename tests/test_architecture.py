"""The shape of the code, checked: no module imports another in a circle, nothing imports
a module of the project from inside a function (the usual way to dodge a circle), no
scaffolding that turns a broken import into a skipped test or a silent fallback, and no
broad `except` that swallows a bug. Static (ast), so it runs in a moment."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("calibration", "accounts", "demodata")
SCAFFOLDING = ("find_spec", "import_module", "importorskip", "not merged yet")


def source_files(*roots):
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, modules):
    """The project modules `path` imports, wherever in the file the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_cycles():
    """Strongly connected groups of modules (Tarjan), each a circle of imports."""
    files = {module_name(p): p for p in source_files(*PACKAGES)}
    graph = {name: imported_modules(path, files) for name, path in files.items()}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_no_module_of_the_project_imports_another_in_a_circle():
    assert import_cycles() == []


def test_the_cycle_check_finds_a_circle_even_through_an_import_in_a_function(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import x\n")
    (package / "b.py").write_text("def f():\n    from pkg import a\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGES", ("pkg",))
    assert import_cycles() == [["pkg.a", "pkg.b"]]


def test_project_modules_are_imported_at_the_top_of_files():
    """Except in AppConfig.ready(), where Django wants the signal wiring imported."""
    inside = []
    for path in source_files(*PACKAGES):
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef) or function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                    names += [alias.name for alias in node.names]
                    if getattr(node, "level", 0) or any(n.split(".")[0] in PACKAGES for n in names):
                        inside.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert inside == []


def test_no_scaffolding_hides_a_broken_app():
    """A broken import fails loudly: no discovery by name, no skip on ImportError."""
    found = []
    for path in source_files(*PACKAGES, "tests"):
        if path == Path(__file__):
            continue
        text = path.read_text()
        found += [f"{path.relative_to(ROOT)}: {word}" for word in SCAFFOLDING if word in text]
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ExceptHandler) and "ImportError" in ast.unparse(
                node.type or ast.Constant(None)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: except ImportError")
    assert found == []


def test_a_broad_except_logs_the_traceback_or_raises():
    """`except Exception` may stand only where the failure is recorded with its traceback
    (log.exception) or raised again — never to make a bug look like success."""
    silent = []
    for path in source_files(*PACKAGES):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = ast.unparse(node.type) if node.type else "everything"
            if caught not in ("Exception", "BaseException", "everything"):
                continue
            body = ast.unparse(ast.Module(body=node.body, type_ignores=[]))
            if "log.exception" not in body and not any(
                isinstance(n, ast.Raise) for n in ast.walk(ast.Module(node.body, []))
            ):
                silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert silent == []
