"""unfetch_images: Markdown images in model text become links; code stays as written."""

import pytest

from playground.markdown import SHOWN_URL_CHARS, unfetch_images, unfetch_stream


def test_an_inline_image_becomes_a_link_showing_alt_and_url():
    out = unfetch_images("Look: ![a cat](https://example.com/cat.png) here.")
    assert out == (
        "Look: [Image: a cat (https\\://example.com/cat.png)](<https://example.com/cat.png>) here."
    )
    assert "![" not in out


def test_title_and_angle_brackets_and_parentheses_in_the_url():
    out = unfetch_images('![x](<https://e.com/a b.png> "title") ![y](https://e.com/p_(1).png)')
    assert "](<https://e.com/a b.png>)" in out
    assert "](<https://e.com/p_(1).png>)" in out
    assert "![" not in out


def test_reference_style_images_use_their_definition():
    text = "See ![logo][l] and ![L] and ![l][] but not ![nope].\n\n[l]: https://e.com/logo.png\n"
    out = unfetch_images(text)
    assert out.count("](<https://e.com/logo.png>)") == 3
    assert "![" not in out


def test_an_unresolved_image_opener_can_never_become_an_image():
    out = unfetch_images("weird ![unclosed and ![x][nowhere]")
    assert "![" not in out
    assert out == "weird &#33;[unclosed and &#33;[x][nowhere]"


def test_data_uris_become_shortened_links():
    uri = "data:image/png;base64," + "A" * 500
    out = unfetch_images(f"![pixel]({uri})")
    assert f"(<{uri}>)" in out
    shown = out.split("](")[0]
    assert len(shown) < SHOWN_URL_CHARS + 40 and "…" in shown


@pytest.mark.parametrize(
    "text",
    [
        "Use `![x](https://e.com/a.png)` in Markdown.",
        "```markdown\n![x](https://e.com/a.png)\n```\n",
        "~~~\n![x](https://e.com/a.png)\n~~~\n",
        "Intro\n\n    ![x](https://e.com/a.png)\n",
        "``code with ` and ![x](https://e.com/a.png)``",
        r"An escaped \![x](https://e.com/a.png) is text.",
    ],
)
def test_code_and_escaped_images_are_left_untouched(text):
    assert unfetch_images(text) == text


def test_only_the_prose_around_code_changes():
    text = "![a](https://e.com/1.png)\n```\n![b](https://e.com/2.png)\n```\nand `![c](x)` ![d](y)"
    out = unfetch_images(text)
    assert "```\n![b](https://e.com/2.png)\n```" in out
    assert "`![c](x)`" in out
    assert "(<https://e.com/1.png>)" in out and "(<y>)" in out
    assert out.count("![") == 2  # the ones inside code


def test_an_image_whose_alt_holds_inline_code_is_still_rewritten():
    out = unfetch_images("![see `this`](https://e.com/t.png)")
    assert "![" not in out and "(<https://e.com/t.png>)" in out


def test_an_image_in_a_list_continuation_is_not_mistaken_for_code():
    out = unfetch_images("- item\n\n    ![x](https://e.com/a.png)\n")
    assert "![" not in out


def test_an_image_inside_a_link_is_rewritten():
    out = unfetch_images("[![badge](https://e.com/b.svg)](https://e.com)")
    assert "![" not in out and "(<https://e.com/b.svg>)" in out


def test_text_without_images_is_returned_as_is():
    text = "Plain **bold** [a link](https://e.com) and <img src='https://e.com/x.png'>"
    assert unfetch_images(text) is text


def _streamed(pieces: list[str]) -> list[str]:
    """What the page shows after each yielded delta."""
    shown, states = "", []
    for delta in unfetch_stream(pieces):
        shown += delta
        states.append(shown)
    return states


def test_a_streamed_image_is_never_drawn_even_when_split_across_pieces():
    text = "Here is a cat: ![a cat](https://evil.example/cat.png?leak=1) and more.\nDone."
    for size in (1, 3, 7, 20):
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        states = _streamed(pieces)
        assert states[-1] == unfetch_images(text)
        assert all("![" not in state for state in states)


def test_a_stream_without_images_passes_through_piece_by_piece():
    pieces = ["Hello", ", wor", "ld! ", "How are you?"]
    assert list(unfetch_stream(pieces)) == ["Hello", ", wor", "ld! ", "How are you?"]


def test_a_reference_image_defined_later_in_a_stream_is_not_drawn():
    pieces = ["See ![chart][c] below.\n\n", "Text.\n\n", "[c]: https://evil.example/c.png\n"]
    states = _streamed(pieces)
    assert all("![" not in state or "[c]:" not in state for state in states)
