"""``virtlab check`` on lesson text: bold that Markdown would not close in Korean."""

from __future__ import annotations

from pathlib import Path

from virtlab.course.checker import emphasis_problems


def test_bold_ending_in_punctuation_before_a_particle_is_reported() -> None:
    text = "+++\nid = 'x'\n+++\n\n**가상화(virtualization)**는 기술입니다.\n"
    problems = emphasis_problems(Path("l.md"), text)
    assert len(problems) == 1
    assert problems[0].startswith("l.md: line 5: bold ends with ')'")


def test_well_formed_bold_and_code_blocks_pass() -> None:
    text = "**가상화**(virtualization)는\n\n```\n(a)**b\n```\n\n\"**사용률**\"은 **10** %다. **A (B)** and x.\n"
    assert emphasis_problems(Path("l.md"), text) == []


def test_bold_across_lines_is_paired_per_paragraph() -> None:
    text = "이것은 **전가상화(full\nvirtualization)**입니다.\n"
    assert len(emphasis_problems(Path("l.md"), text)) == 1


def test_glossary_problems_name_the_term_and_field(tmp_path: Path) -> None:
    from virtlab.course.glossary import load_glossary

    path = tmp_path / "glossary.toml"
    path.write_text('[[term]]\nid = "x"\nen = "a"\ncolour = "red"\n', encoding="utf-8")
    terms, problems = load_glossary(path)
    assert terms == []
    assert f"{path}: term[1] (x).colour: unknown key" in problems[0]
    assert any(p.startswith(f"{path}: term[1] (x).ko: missing") for p in problems)


def test_the_shipped_glossary_loads_with_every_term_in_both_languages() -> None:
    from virtlab.course.glossary import load_glossary

    terms, problems = load_glossary(Path(__file__).resolve().parents[2] / "lessons" / "glossary.toml")
    assert problems == [] and len(terms) >= 59
