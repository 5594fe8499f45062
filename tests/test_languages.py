"""The site in English, German, French and Spanish: addresses, negotiation,
the embed, shared links, the API's errors, and no English left on a German page."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.agency_helpers import make_agency, make_profile
from tests.helpers import head_of

RESULT = "spend=12000&conversions=260&aov=70&currency=EUR&consent=40&safari=28"
LANGUAGES = ("en", "de", "fr", "es")


# --- the English left on a German page ------------------------------------------

# Names of products, companies and units, the same in every language.
BRANDS = {
    "meta",
    "pixel",
    "capi",
    "conversions",
    "api",
    "ads",
    "manager",
    "events",
    "gateway",
    "safari",
    "webkit",
    "itp",
    "att",
    "aem",
    "shopify",
    "woocommerce",
    "gtm",
    "sgtm",
    "stape",
    "elevar",
    "linkedin",
    "json",
    "csv",
    "pdf",
    "roi",
    "roas",
    "cpa",
    "acr",
    "npv",
    "usd",
    "eur",
    "gbp",
    "cad",
    "aud",
    "nzd",
    "chf",
    "jpy",
    "sek",
    "nok",
    "dkk",
    "pln",
}


class VisibleText(HTMLParser):
    """The words a reader sees or hears: text and the attributes that are read
    out, without code, formulas, form values, scripts, or anything marked as
    another language (the language switcher, a cited English title)."""

    SKIP = {"script", "style", "code", "pre", "var", "textarea", "svg", "select"}
    READ = ("aria-label", "title", "alt", "placeholder")

    def __init__(self, language: str):
        super().__init__()
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.words: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        other = found.get("lang") not in (None, self.language) and tag != "html"
        void = tag in {"meta", "link", "input", "img", "br", "hr", "source"}
        if not self._skipping() and not other:
            for name in self.READ:
                if found.get(name):
                    self.words.append(found[name])
            if tag == "meta" and found.get("name") == "description":
                self.words.append(found.get("content", ""))
        if not void:
            self.stack.append((tag, tag in self.SKIP or other))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.words.append(data)


def words_of(text: str) -> set[str]:
    """Lower-case words of three letters or more: no numbers, no addresses."""
    text = re.sub(r"https?://\S+|/[\w/.-]+|\b\w+=\w*", " ", text)
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)}


def _catalog_words(language: str) -> tuple[set[str], set[str]]:
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as source:
        catalog = read_po(source)
    english, translated = set(), set()
    for message in catalog:
        if not message.id:
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            english |= words_of(re.sub(r"<[^>]+>|%\(\w+\)s", " ", text))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            translated |= words_of(re.sub(r"<[^>]+>|%\(\w+\)s", " ", text))
    return english, translated


def english_left(html: str, language: str = "de") -> set[str]:
    """The words of ``html`` that only the English text uses: each is a word of
    an English message that no German one uses, so a German page shows it only
    where a string was left untranslated."""
    english, translated = _catalog_words(language)
    parser = VisibleText(language)
    parser.feed(html)
    seen = words_of(" ".join(parser.words))
    return (seen & english) - translated - BRANDS


GERMAN_PAGES = [
    "/de/",
    f"/de/?{RESULT}",
    f"/de/?{RESULT}&orders=300",  # the orders rule's message
    f"/de/?{RESULT}&spend=-5&margin=abc",  # field errors
    "/de/?consent=95&adblock=40&v=2",  # the warnings
    "/de/?cpa_gain=0&setup_cost=0&monthly_cost=0",  # CAPI costs nothing
    "/de/?spend=20000&conversions=400&v=1&cpa_gain=5",  # a version 1 link
    "/de/method/",
    "/de/embed/builder/",
    f"/embed/?{RESULT}&lang=de",
    "/de/no-such-page/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", GERMAN_PAGES)
def test_no_english_is_left_on_a_german_page(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert english_left(html) == set()


@pytest.mark.django_db
def test_the_check_finds_an_english_string_left_in_a_german_page(client):
    """The control: the same check sees an untranslated sentence, and sees the
    English page as English."""
    html = client.get(f"/de/?{RESULT}").content.decode()
    leftover = "<p>Check before you rely on this</p>"
    assert english_left(html.replace("</main>", leftover + "</main>")) >= {"before", "rely"}
    english = client.get(f"/?{RESULT}").content.decode()
    assert len(english_left(english)) > 50


# --- addresses -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "language"),
    [
        ("/", "en"),
        ("/method/", "en"),
        ("/embed/builder/", "en"),
        ("/de/", "de"),
        ("/fr/", "fr"),
        ("/es/", "es"),
        ("/de/method/", "de"),
        ("/es/embed/builder/", "es"),
    ],
)
def test_pages_live_under_their_language_prefix(client, url, language):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert response["Content-Language"] == language


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/de/api/v1/calculate", "/xx/", "/de/healthz"])
def test_no_prefixed_machine_addresses_and_no_unknown_language(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_every_page_names_its_languages_with_hreflang_and_x_default(client):
    head = head_of(client.get(f"/fr/?{RESULT}"))
    canonical = _canonical(client)  # a result links its canonical query in every language
    assert head.languages == {
        "en": f"http://testserver/?{canonical}",
        "de": f"http://testserver/de/?{canonical}",
        "fr": f"http://testserver/fr/?{canonical}",
        "es": f"http://testserver/es/?{canonical}",
        "x-default": f"http://testserver/?{canonical}",
    }
    method = head_of(client.get("/de/method/"))
    assert method.languages["en"] == "http://testserver/method/"
    assert method.languages["es"] == "http://testserver/es/method/"


@pytest.mark.django_db
def test_the_switcher_keeps_the_result_and_marks_the_current_language(client):
    html = client.get(f"/de/?{RESULT}").content.decode()
    switcher = html[
        html.index('class="languages"') : html.index("</nav>", html.index('class="languages"'))
    ]
    query = _canonical(client).replace("&", "&amp;")
    name = '<span class="languages__name">'
    assert f'href="http://testserver/?{query}" hreflang="en" lang="en">{name}English' in switcher
    assert (
        f'href="http://testserver/fr/?{query}" hreflang="fr" lang="fr">{name}Français' in switcher
    )
    assert f'lang="de" aria-current="true">{name}Deutsch' in switcher


@pytest.mark.django_db
def test_the_english_link_of_the_bare_page_stays_english(client):
    """Only the bare / asks the browser; the switcher's English link carries
    ?lang=en, so a German browser that chose English is not sent back."""
    html = client.get("/de/").content.decode()
    assert 'href="http://testserver/?lang=en" hreflang="en"' in html
    response = client.get("/?lang=en", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


# --- the first visit ------------------------------------------------------------


@pytest.mark.django_db
def test_the_bare_page_sends_a_german_browser_to_de_once_without_a_cookie(client):
    response = client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/de/"
    assert "Accept-Language" in response["Vary"]
    assert "Sec-Fetch-Site" in response["Vary"]
    # Private: a shared cache that ignores Vary must not send everyone to German.
    assert "private" in response["Cache-Control"]
    assert not response.cookies
    landing = client.get("/de/", headers={"Accept-Language": "de-AT,de;q=0.9"})
    assert landing.status_code == 200  # no loop
    assert not landing.cookies


@pytest.mark.django_db
def test_the_redirect_to_a_language_carries_the_pages_headers(client):
    """Security headers, framing and no language of its own, as any answer."""
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "Content-Language" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["fbclid=IwAR0abc", "utm_source=facebook&utm_medium=paid&fbclid=x", "gclid=Cj0"]
)
def test_a_visitor_from_an_ad_is_sent_to_their_language_with_the_click_id(client, query):
    response = client.get(f"/?{query}", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == f"/es/?{query}"
    english = client.get(f"/?{query}", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    assert "Accept-Language" in english["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["fbclid=x&spend=5000", "lang=en&fbclid=x", "utm=1", "x"])
def test_a_query_with_more_than_tracking_keys_is_not_negotiated(client, query):
    response = client.get(f"/?{query}", headers={"Accept-Language": "de"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_click_within_the_site_to_the_bare_page_stays_english(client):
    """A German browser on /?lang=en that follows the brand or "Calculator"
    link to / has chosen English: the browser says the click came from here."""
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    inside = client.get("/", headers={**german, "Sec-Fetch-Site": "same-origin"})
    assert inside.status_code == 200
    assert '<html lang="en">' in inside.content.decode()
    assert "Sec-Fetch-Site" in inside["Vary"]
    arriving = client.get("/", headers={**german, "Sec-Fetch-Site": "cross-site"})
    assert arriving.status_code == 302


@pytest.mark.django_db
def test_other_languages_get_a_result_as_they_read_it(client):
    """'1.500' purchases typed on a German page are 1500; the English page
    would read '1.500' as 1.5, so the switcher passes the canonical query."""
    html = client.get("/de/?conversions=1.500").content.decode()
    links = dict(re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)"', html))
    assert "conversions=1500&" in links["en"].replace("&amp;", "&")
    assert "conversions=1.500" not in html.split("<body", 1)[0]
    english = client.get("/?lang=en").content.decode()
    assert "lang=en" not in re.search(r'hreflang="de" href="([^"]+)"', english).group(1)


@pytest.mark.django_db
def test_the_bare_page_varies_on_accept_language_and_english_stays(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8,de;q=0.5"})
    assert response.status_code == 200
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies
    unknown = client.get("/", headers={"Accept-Language": "ja,zh;q=0.8"})
    assert unknown.status_code == 200


@pytest.mark.django_db
def test_other_addresses_never_redirect_and_do_not_vary_on_the_language(client):
    german = {"Accept-Language": "de"}
    for url in (f"/?{RESULT}", "/method/", "/de/", "/fr/method/"):
        response = client.get(url, headers=german)
        assert response.status_code == 200, url
        assert "Accept-Language" not in response.get("Vary", ""), url


# --- embed ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_embed_takes_lang_and_keeps_it_through_recalculations(client):
    response = client.get(f"/embed/?{RESULT}&lang=de")
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Lohnt sich serverseitiges Tracking für Sie?" in html
    assert '<input type="hidden" name="lang" value="de">' in html
    assert not response.cookies
    assert 'href="http://testserver/de/method/"' in html
    htmx = client.get(f"/embed/?{RESULT}&lang=de", headers={"HX-Request": "true"})
    assert "Break-even" in htmx.content.decode()
    assert "Monatlicher Gewinnzuwachs" in htmx.content.decode()
    assert '<html lang="en">' in client.get("/embed/?lang=xx").content.decode()


@pytest.mark.django_db
def test_a_profile_fixes_the_embeds_language(client):
    owner = make_agency("agency@agency.example")
    make_profile(owner, "berlin", language="de", lead_capture=False)
    html = client.get("/embed/berlin/?lang=en").content.decode()
    assert '<html lang="de">' in html
    assert 'name="lang"' not in html  # the profile decides, not the query
    make_profile(owner, "open", lead_capture=False)
    assert '<html lang="de">' in client.get("/embed/open/?lang=de").content.decode()
    assert '<html lang="en">' in client.get("/embed/open/").content.decode()


@pytest.mark.django_db
def test_the_profile_form_offers_the_language(client):
    owner = make_agency("agency@agency.example")
    make_profile(owner, "berlin")
    client.force_login(owner)
    html = client.get("/agency/profiles/berlin/").content.decode()
    assert 'name="language"' in html
    assert '<option value="de">Deutsch</option>' in html


# --- shared links ------------------------------------------------------------------


@pytest.mark.django_db
def test_short_links_keep_their_language(client):
    body = json.dumps({"query": RESULT, "language": "de"})
    made = client.post("/api/v1/links", body, content_type="application/json")
    assert made.status_code == 201
    url = made.json()["url"]
    assert urlsplit(url).path.startswith("/de/s/")
    page = client.get(urlsplit(url).path)
    assert '<html lang="de">' in page.content.decode()
    # The same inputs give the same code in every language; a full link names its language.
    english = client.post(
        "/api/v1/links", json.dumps({"query": RESULT}), content_type="application/json"
    ).json()
    assert english["code"] == made.json()["code"]
    assert urlsplit(english["url"]).path == f"/s/{english['code']}/"
    linked = client.post(
        "/api/v1/links",
        json.dumps({"query": f"http://testserver/es/?{RESULT}"}),
        content_type="application/json",
    ).json()
    assert urlsplit(linked["url"]).path == f"/es/s/{english['code']}/"


@pytest.mark.django_db
def test_share_links_of_a_german_page_share_the_german_short_link(client):
    html = client.get(f"/de/?{RESULT}").content.decode()
    assert 'href="/de/share/x/?' in html
    share = re.search(r'href="(/de/share/x/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(share)
    target = parse_qs(urlsplit(response["Location"]).query)
    assert "/de/s/" in target["url"][0]
    assert "Serverseitiges Tracking für Meta" in target["text"][0]


@pytest.mark.django_db
def test_the_canonical_share_query_is_the_same_in_every_language(client):
    typed = "spend=12k&conversions=260&aov=70&currency=EUR&consent=40%25&safari=28"
    links = set()
    for prefix in ("", "/de", "/fr", "/es"):
        html = client.get(f"{prefix}/?{typed}").content.decode()
        links.add(re.search(r'data-share-query="([^"]+)"', html).group(1))
    assert len(links) == 1


# --- the API, the CSV, the card and oEmbed -------------------------------------------


@pytest.mark.django_db
def test_api_errors_follow_accept_language_and_its_figures_do_not(client):
    german = client.get("/api/v1/calculate?margin=500", headers={"Accept-Language": "de"})
    assert german.status_code == 400
    [message] = german.json()["errors"]["margin"]
    assert message.startswith("Deckungsbeitrag muss eine Zahl zwischen 0")
    assert "Accept-Language" in german["Vary"]
    english = client.get("/api/v1/calculate?margin=500")
    assert english.json()["errors"]["margin"][0].startswith("Contribution margin must be")
    figures_de = client.get(f"/api/v1/calculate?{RESULT}", headers={"Accept-Language": "de"})
    figures_en = client.get(f"/api/v1/calculate?{RESULT}")
    assert figures_de.content == figures_en.content
    assert "Accept-Language" not in figures_de.get("Vary", "")
    missing = client.get("/api/v1/nothing", headers={"Accept-Language": "de"})
    assert missing.json()["errors"]["request"] == [
        "Unter dieser Adresse gibt es nichts. Vielleicht ist ein Link vertippt oder abgeschnitten."
    ]


@pytest.mark.django_db
def test_the_csv_speaks_the_pages_language_with_machine_readable_values(client):
    german = client.get(f"/de/export.csv?{RESULT}").content.decode()
    english = client.get(f"/export.csv?{RESULT}").content.decode()
    assert german.startswith("\ufeff")  # so spreadsheet programs read UTF-8
    german, english = german.removeprefix("\ufeff"), english.removeprefix("\ufeff")
    assert german.splitlines()[0] == "ROI-Ergebnis für serverseitiges Tracking"
    assert "Monatlicher Gewinnzuwachs bei voller Stärke (EUR)" in german
    values = lambda text: [line.rsplit(",", 1)[-1] for line in text.splitlines()[-13:]]  # noqa: E731
    assert values(german) == values(english)


@pytest.mark.django_db
def test_the_card_is_drawn_in_the_pages_language(client):
    english = client.get(f"/card.png?{_canonical(client)}")
    german = client.get(f"/de/card.png?{_canonical(client)}")
    assert english.status_code == german.status_code == 200
    assert english["ETag"] != german["ETag"]
    assert english.content != german.content


def _canonical(client) -> str:
    html = client.get(f"/?{RESULT}").content.decode()
    return re.search(r'data-share-query="([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.mark.django_db
def test_oembed_answers_in_the_language_of_the_link(client):
    response = client.get("/oembed", {"url": f"http://testserver/de/?{RESULT}"})
    body = response.json()
    assert body["title"].startswith("Serverseitiges Tracking für Meta")
    assert "lang=de" in body["html"]
    assert "/de/card.png?" in body["thumbnail_url"]


@pytest.mark.django_db
def test_the_sitemap_names_every_language_of_each_page(client):
    xml = client.get("/sitemap.xml").content.decode()
    for language in ("de", "fr", "es"):
        assert f'hreflang="{language}" href="http://testserver/{language}/method/"' in xml


@pytest.mark.django_db
def test_robots_keep_crawlers_from_every_languages_share_redirects(client):
    robots = client.get("/robots.txt").content.decode().splitlines()
    for prefix in ("", "/de", "/fr", "/es"):
        assert f"Disallow: {prefix}/share/" in robots


# --- one name for each cause of lost purchases ------------------------------------

CAUSE_FIELDS = ("consent", "att", "adblock", "itp", "connectivity")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("version", ["1", "2"])
def test_each_loss_cause_has_one_name_on_the_page(client, language, version):
    """The form's field, the loss chart's row and the sensitivity chart's bar
    call a cause the same, in both versions' results, as the method page does."""
    prefix = "" if language == "en" else f"/{language}"
    html = client.get(f"{prefix}/?{RESULT}&v={version}").content.decode()
    method = client.get(f"{prefix}/method/").content.decode()
    chart_labels = re.findall(r'class="chart__label"[^>]*>([^<]+)<', html)
    for cause in CAUSE_FIELDS:
        label = re.search(rf'<label class="field__label" for="id_{cause}">([^<]+?) <', html)
        name = label.group(1)
        assert chart_labels.count(name) == 2, (cause, name, chart_labels)
        assert f'<th scope="row">{name}</th>' in method


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "target"),
    [
        ("/en/", "/"),
        ("/en/method/", "/method/"),
        (f"/en/?{RESULT}", f"/?{RESULT}"),
        ("/en//evil.example/", "/evil.example/"),
        ("/en/%5C%5Cevil.example/", "/evil.example/"),
        ("/en/%09/evil.example/", "/%09/evil.example/"),
    ],
)
def test_the_english_prefix_sends_a_visitor_to_the_bare_address(client, address, target):
    """English has no prefix: /en/… answers with its bare address, on this site only."""
    response = client.get(address)
    assert response.status_code == 301
    assert response["Location"] == target
    assert not response.cookies
    assert client.get("/en/%0d%0aSet-Cookie:x=1").status_code == 404  # no line breaks in a path


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_method_pages_formulas_are_in_the_readers_words(client, language):
    html = client.get(f"/{language}/method/").content.decode()
    for english in ("loss × recovery rate", "total cost", "spend × p", "Σ weights", "order value"):
        assert english not in html, english


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", ""),
        ("fbclid=IwAR0", ""),
        ("spend=30%20000&fbclid=x&utm_source=fb&utm_medium=paid", "spend=30%20000"),
        ("gclid=1&v=2&spend=1+2", "v=2&spend=1+2"),
        ("%66bclid=x&spend=1", "spend=1"),
        ("clidx=1&spend=1", "clidx=1&spend=1"),
        ("utmsource=1", "utmsource=1"),
    ],
)
def test_an_ads_click_id_and_utm_keys_are_left_out_the_rest_as_written(query, kept):
    from calculator.locale import without_tracking

    assert without_tracking(query) == kept


@pytest.mark.django_db
def test_the_other_languages_of_a_page_from_an_ad_do_not_carry_the_click(client):
    head = head_of(client.get("/?fbclid=IwAR0&utm_source=meta", HTTP_SEC_FETCH_SITE="same-origin"))
    assert head.languages["de"] == "http://testserver/de/"
    result = head_of(client.get(f"/fr/?{RESULT}&fbclid=IwAR0"))
    assert "fbclid" not in result.languages["en"]
    assert "spend=12000" in result.languages["en"]
