"""What the Markdown checks (doc_links.py, long_lines.py) share: the pages
they read and the lines of a page outside its code blocks."""
import glob


def pages():
    """README.md and every page under docs/, from the repository root."""
    return ["README.md"] + sorted(glob.glob("docs/**/*.md", recursive=True))


def lines_outside_code_blocks(path):
    """(line number, line without its newline) for each line outside ``` blocks."""
    fence = False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.lstrip().startswith("```"):
                fence = not fence
            elif not fence:
                yield number, line.rstrip("\n")
