"""The bundled CJK font: found on a clean install, covers Chinese and Latin, reports gaps."""

from screenplay_compiler import fonts


def test_bundled_font_is_found_and_is_opentype():
    path = fonts.cjk_font_path()
    assert path.is_file() and path.suffix.lower() in (".otf", ".ttf", ".ttc")


def test_label_and_dialogue_text_have_glyphs():
    assert fonts.missing_glyphs("AI生成 · AI-generated 人工智能合成 断桥，「你好」。") == []


def test_missing_glyphs_are_reported():
    assert fonts.missing_glyphs("a\U0001F600b") == ["\U0001F600"]
