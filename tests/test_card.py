"""The card image: its size, its stable bytes, its canonical address and its caching."""

from __future__ import annotations

import io

import pytest
from django.http import QueryDict
from PIL import Image

from calculator.forms import CalculatorForm


def canonical(query: str) -> str:
    form = CalculatorForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.canonical_query()


def image_of(response) -> Image.Image:
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


class TestResultCard:
    def test_it_is_a_1200_by_630_png(self, client):
        response = client.get(f"/card.png?{canonical('spend=50000')}")
        assert response.status_code == 200
        assert image_of(response).size == (1200, 630)
        assert "Set-Cookie" not in response.headers

    def test_the_same_inputs_give_the_same_bytes(self, client):
        url = f"/card.png?{canonical('spend=50000&currency=EUR')}"
        first, second = client.get(url), client.get(url)
        assert first.content == second.content
        assert first["ETag"] == second["ETag"]

    def test_other_inputs_give_another_card(self, client):
        one = client.get(f"/card.png?{canonical('spend=50000')}")
        other = client.get(f"/card.png?{canonical('spend=60000')}")
        assert one.content != other.content
        assert one["ETag"] != other["ETag"]

    def test_it_is_cached_for_a_year(self, client):
        response = client.get(f"/card.png?{canonical('')}")
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["ETag"].startswith('"')

    def test_a_known_etag_answers_304(self, client):
        url = f"/card.png?{canonical('')}"
        etag = client.get(url)["ETag"]
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""

    def test_a_non_canonical_query_redirects_to_the_canonical_one(self, client):
        response = client.get("/card.png?consent=40&spend=5e4")
        assert response.status_code == 301
        assert response["Location"] == f"/card.png?{canonical('spend=50000&consent=40')}"
        assert "immutable" not in response["Cache-Control"]

    def test_an_invalid_query_answers_400_in_words(self, client):
        response = client.get("/card.png?spend=abc&months=<b>")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "Monthly Meta ad spend must be a number" in text
        assert "Horizon must be a whole number" in text
        assert "<b>" not in text

    def test_extreme_inputs_still_draw(self, client):
        query = canonical("spend=1e9&conversions=1e8&aov=1e6&months=60&cpa_gain=50&currency=NZD")
        assert image_of(client.get(f"/card.png?{query}")).size == (1200, 630)
        query = canonical("margin=0&mode=more")  # no break-even exists
        assert image_of(client.get(f"/card.png?{query}")).size == (1200, 630)

    def test_it_rejects_post(self, client):
        assert client.post("/card.png").status_code == 405


class TestGenericCard:
    def test_the_bare_address_is_the_generic_card(self, client):
        response = client.get("/card.png")
        assert response.status_code == 200
        assert image_of(response).size == (1200, 630)
        assert response.content == client.get("/card.png").content
        assert response.content != client.get(f"/card.png?{canonical('')}").content
        assert "immutable" not in response["Cache-Control"]


class TestCardWords:
    def test_the_stripe_follows_the_verdict(self, client):
        from calculator.sharing import card

        pays = image_of(client.get(f"/card.png?{canonical('')}"))
        short = image_of(client.get(f"/card.png?{canonical('cpa_gain=1')}"))
        assert pays.getpixel((600, 4)) == card.GOOD
        assert short.getpixel((600, 4)) == card.WARN

    def test_the_font_draws_the_pages_symbols(self):
        from calculator.sharing import card

        regular = card.font(40)
        # A missing glyph draws as the same empty box; these must all differ from it.
        box = regular.getmask("\uffff").getbbox()
        for symbol in "€£¥−–·":
            assert regular.getmask(symbol).getbbox() != box, symbol


def test_the_unpacked_font_draws_as_the_woff_does():
    from PIL import Image, ImageDraw, ImageFont

    from calculator.sharing import card

    for bold in (False, True):
        weight = 700 if bold else 400
        woff = ImageFont.truetype(str(card.FONTS / f"dejavu-sans-latin-{weight}-normal.woff"), 44)
        unpacked = card.font(44, bold)
        drawn = []
        for face in (woff, unpacked):
            image = Image.new("RGB", (700, 60), card.NAVY)
            ImageDraw.Draw(image).text((0, 0), "Break-even 4.9% · €1,234 −12 £ ¥", font=face)
            drawn.append(image.tobytes())
        assert drawn[0] == drawn[1]
        assert unpacked.getlength("Payback in 3 months") == woff.getlength("Payback in 3 months")


def test_a_file_that_is_not_woff_is_refused():
    from calculator.sharing import card

    with pytest.raises(ValueError, match="not a WOFF 1.0 font"):
        card.sfnt_of_woff(b"\0\1\0\0" + bytes(40))
