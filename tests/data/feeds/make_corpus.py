"""Generate the malformed-feed corpus under ``malformed/`` and its ``expected.json``.

Run from anywhere: ``python tests/data/feeds/make_corpus.py``. The output is committed; re-running
produces the same bytes (seeded). ``expected.json`` maps each file to the minimum number of entries a
parser should recover (0: it only has to fail cleanly, with a reason).

Families: truncated, mismatched tags, wrong charset, BOMs, NUL bytes, empty, HTML served as RSS,
garbage, and assorted oddities (undefined entities, bare ampersands, CDATA, relative and javascript
links, undeclared namespaces, upper-case tags, RDF, Atom without links…).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "malformed"

TITLES = ["Rossi close to Milan move", "Müller agrees terms with Bayern", "Ødegaard: «I stay»",
          "Çalhanoğlu talks stall", "Fernández bid rejected"]


def items_rss(n: int = 5, *, title_of=None, extra: str = "") -> str:
    out = []
    for i in range(n):
        title = (title_of or (lambda k: TITLES[k % len(TITLES)]))(i)
        out.append(
            f"<item><title>{title}</title><link>http://127.0.0.1:1/p/{i}</link><guid>g{i}</guid>"
            f"<description>Summary {i}: the club confirmed talks about a transfer fee.</description>"
            f"<pubDate>Mon, 06 Jan 2025 1{i}:00:00 GMT</pubDate>{extra}</item>"
        )
    return "".join(out)


def rss(body: str | None = None, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    body = items_rss() if body is None else body
    return f'{decl}\n<rss version="2.0"><channel><title>Feed</title><link>http://127.0.0.1:1/</link>{body}</channel></rss>\n'


def atom(n: int = 5) -> str:
    entries = "".join(
        f"<entry><title>{TITLES[i]}</title><link href=\"http://127.0.0.1:1/a/{i}\"/><id>urn:e{i}</id>"
        f"<updated>2025-01-06T1{i}:00:00Z</updated><summary>Atom summary {i} about a transfer.</summary></entry>"
        for i in range(n)
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f"<id>urn:f</id><updated>2025-01-06T00:00:00Z</updated>{entries}</feed>\n")


def build() -> dict[str, tuple[bytes, int]]:
    files: dict[str, tuple[bytes, int]] = {}
    good = rss().encode()
    # 1. truncated RSS and Atom at many points: the complete entries before the cut should be recovered
    for k in range(1, 21):
        cut = int(len(good) * k / 21)
        files[f"truncated_rss_{k:02d}.xml"] = (good[:cut], good[:cut].count(b"</item>"))
    good_atom = atom().encode()
    for k in range(1, 11):
        cut = int(len(good_atom) * k / 11)
        files[f"truncated_atom_{k:02d}.xml"] = (good_atom[:cut], good_atom[:cut].count(b"</entry>"))
    # 2. mismatched tags (one broken item among five; the others must survive)
    breaks = {
        "title": ("</title>", "</titel>"), "link": ("</link>", "</lnk>"), "desc": ("</description>", "</desc>"),
        "guid": ("</guid>", "</gid>"), "item": ("</item>", "</itme>"),
    }
    for name, (old, new) in breaks.items():
        for pos in (0, 2, 4):
            body = items_rss()
            parts = body.split("<item>")
            parts[pos + 1] = parts[pos + 1].replace(old, new, 1)
            files[f"mismatched_{name}_{pos}.xml"] = (rss("<item>".join(parts)).encode(), 4)
    files["mismatched_no_channel_close.xml"] = (rss().replace("</channel>", "").encode(), 5)
    files["mismatched_no_rss_close.xml"] = (rss().replace("</rss>", "").encode(), 5)
    files["mismatched_unclosed_b.xml"] = (rss(items_rss(extra="<b>bold")).encode(), 0)
    files["mismatched_atom_entry.xml"] = (atom().replace("</title>", "</ttl>", 1).encode(), 4)
    # 3. wrong charset declarations
    latin = rss(decl='<?xml version="1.0" encoding="utf-8"?>')
    files["charset_latin1_declared_utf8.xml"] = (latin.encode("latin-1", "replace"), 5)
    files["charset_utf8_declared_latin1.xml"] = (rss(decl='<?xml version="1.0" encoding="iso-8859-1"?>').encode(), 5)
    files["charset_utf8_declared_utf16.xml"] = (rss(decl='<?xml version="1.0" encoding="utf-16"?>').encode(), 5)
    files["charset_bogus.xml"] = (rss(decl='<?xml version="1.0" encoding="x-no-such-charset"?>').encode(), 5)
    files["charset_cp1252_quotes_declared_utf8.xml"] = (
        rss(items_rss(title_of=lambda i: f"\u201cDeal\u201d \u2013 {i}")).encode("cp1252"), 5)
    files["charset_koi8r_declared_utf8.xml"] = (rss(items_rss(title_of=lambda i: f"Трансфер {i}")).encode("koi8-r"), 5)
    files["charset_shift_jis_undeclared.xml"] = (
        rss(items_rss(title_of=lambda i: f"移籍 {i}"), decl='<?xml version="1.0"?>').encode("shift_jis"), 5)
    files["charset_mixed_utf8_latin1.xml"] = (
        rss().encode() + "<!-- café -->".encode("latin-1"), 5)
    # 4. byte order marks
    plain = rss(decl='<?xml version="1.0"?>')
    files["bom_utf8.xml"] = (b"\xef\xbb\xbf" + rss().encode(), 5)
    files["bom_utf8_latin1_decl.xml"] = (b"\xef\xbb\xbf" + rss(decl='<?xml version="1.0" encoding="iso-8859-1"?>').encode(), 5)
    files["bom_utf16le.xml"] = (plain.encode("utf-16"), 5)
    files["bom_utf16be.xml"] = (b"\xfe\xff" + plain.encode("utf-16-be"), 5)
    files["nobom_utf16le.xml"] = (plain.encode("utf-16-le"), 0)
    files["bom_twice.xml"] = (b"\xef\xbb\xbf\xef\xbb\xbf" + rss().encode(), 0)
    files["bom_then_space.xml"] = (b"\xef\xbb\xbf  \n" + rss().encode(), 0)
    files["bom_utf32.xml"] = (plain.encode("utf-32"), 0)
    # 5. NUL bytes
    g = rss().encode()
    files["nul_in_title.xml"] = (g.replace(b"Rossi", b"Ro\x00ssi"), 0)
    files["nul_between_items.xml"] = (g.replace(b"</item><item>", b"</item>\x00<item>"), 0)
    files["nul_at_start.xml"] = (b"\x00" + g, 0)
    files["nul_every_100.xml"] = (b"".join(g[i:i + 100] + b"\x00" for i in range(0, len(g), 100)), 0)
    files["nul_trailing_padding.xml"] = (g + b"\x00" * 4096, 0)
    files["nul_only.xml"] = (b"\x00" * 512, 0)
    # 6. empty and nearly empty
    files["empty.xml"] = (b"", 0)
    files["whitespace.xml"] = (b"   \n\t\r\n  ", 0)
    files["decl_only.xml"] = (b'<?xml version="1.0"?>', 0)
    files["rss_selfclosed.xml"] = (b"<rss/>", 0)
    files["empty_channel.xml"] = (b'<rss version="2.0"><channel></channel></rss>', 0)
    files["bom_only.xml"] = (b"\xef\xbb\xbf", 0)
    # 7. HTML served as RSS
    files["html_page.xml"] = (b"<!DOCTYPE html><html><head><title>Home</title></head><body><h1>News</h1>"
                              b"<p>Welcome</p></body></html>", 0)
    files["html_links.xml"] = (b"<html><body>" + b"".join(b'<a href="/n/%d">Story %d</a>' % (i, i) for i in range(20))
                               + b"</body></html>", 0)
    files["html_404.xml"] = (b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>", 0)
    files["html_cloudflare.xml"] = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
                                    b"<body><noscript>Enable JavaScript</noscript></body></html>", 0)
    files["html_login.xml"] = (b"<html><body><form action=/login><input name=u></form></body></html>", 0)
    files["xhtml_page.xml"] = (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p>'
                               b"</body></html>", 0)
    # 8. garbage
    rnd = random.Random(4)
    files["garbage_random.xml"] = (bytes(rnd.randrange(256) for _ in range(4096)), 0)
    files["garbage_json.xml"] = (json.dumps({"items": [{"title": t} for t in TITLES]}).encode(), 0)
    files["garbage_text.xml"] = (b"This is not a feed.\nJust some text about transfers.\n", 0)
    files["garbage_png.xml"] = (b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(1024)), 0)
    files["garbage_gzip.xml"] = (gzip.compress(rss().encode(), mtime=0), 0)
    files["garbage_ascii_art.xml"] = (b"<<<<>>>><<<item>>>" * 50, 0)
    # 9. assorted oddities
    files["undefined_entity_nbsp.xml"] = (rss(items_rss(title_of=lambda i: f"Deal&nbsp;{i}")).encode(), 5)
    files["bare_ampersand.xml"] = (rss(items_rss(title_of=lambda i: f"Milan & Inter {i}")).encode(), 5)
    files["bare_lt.xml"] = (rss(items_rss(title_of=lambda i: f"fee < 30m {i}")).encode(), 0)
    files["cdata_unclosed.xml"] = (rss(items_rss(extra="<content><![CDATA[<p>never closed")).encode(), 0)
    files["cdata_ok.xml"] = (rss(items_rss(extra="<content:encoded><![CDATA[<p>Full body</p>]]></content:encoded>")
                                 ).replace('<rss version="2.0">', '<rss version="2.0" xmlns:content='
                                           '"http://purl.org/rss/1.0/modules/content/">').encode(), 5)
    files["bad_dates.xml"] = (rss(items_rss()).replace("Mon, 06 Jan 2025", "Someday, 99 Foo 20X5").encode(), 5)
    files["no_links.xml"] = (rss("".join(f"<item><title>T{i}</title><description>Body {i}</description></item>"
                                         for i in range(5))).encode(), 5)
    files["relative_links.xml"] = (rss(items_rss()).replace("http://127.0.0.1:1/p/", "/p/").encode(), 5)
    files["javascript_links.xml"] = (rss(items_rss()).replace("http://127.0.0.1:1/p/", "javascript:alert(").encode(), 5)
    files["duplicate_items.xml"] = (rss(items_rss() + items_rss()).encode(), 5)
    files["huge_title.xml"] = (rss(items_rss(title_of=lambda i: "T" * 20_000)).encode(), 5)
    files["attr_unquoted.xml"] = (rss(items_rss(extra="<enclosure url=x.jpg length=1 />")).encode(), 0)
    files["undeclared_namespace.xml"] = (rss(items_rss(extra="<dc:creator>Reporter</dc:creator>")).encode(), 5)
    files["uppercase_tags.xml"] = (rss(items_rss()).replace("item>", "ITEM>").encode(), 0)
    files["two_channels.xml"] = (rss(items_rss() + "</channel><channel>" + items_rss(2)).encode(), 5)
    files["items_outside_channel.xml"] = (b'<rss version="2.0"><channel><title>x</title></channel>'
                                          + items_rss().encode() + b"</rss>", 0)
    files["rss091_netscape_doctype.xml"] = (
        ('<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
         '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>x</title>'
         + items_rss() + "</channel></rss>").encode(), 5)
    files["rdf_broken.xml"] = (('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                                ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title></channel>'
                                + "".join(f'<item rdf:about="http://127.0.0.1:1/r/{i}"><title>R{i}</title>'
                                          f"<link>http://127.0.0.1:1/r/{i}</link></item>" for i in range(5))
                                + "</rdf:RDF").encode(), 5)
    files["atom_no_links.xml"] = (atom().replace('<link href="http://127.0.0.1:1/a/', '<x y="').encode(), 5)
    files["atom_xml_base.xml"] = (atom().replace("<feed ", '<feed xml:base="http://127.0.0.1:1/base/" ')
                                  .replace("http://127.0.0.1:1/a/", "a/").encode(), 5)
    files["decl_not_at_start.xml"] = (b"\n\n  " + rss().encode(), 0)
    files["comment_unclosed.xml"] = (rss(items_rss(2) + "<!-- unclosed " + items_rss(3)).encode(), 2)
    files["pi_weird.xml"] = (rss(items_rss()).replace("<channel>", "<channel><?weird stuff ?>").encode(), 5)
    files["deep_nesting.xml"] = (rss(items_rss(extra="<x>" * 2000 + "</x>" * 2000)).encode(), 0)
    files["many_items.xml"] = (rss(items_rss(800)).encode(), 500)
    files["control_chars.xml"] = (rss(items_rss(title_of=lambda i: f"T\x01\x02\x1b{i}")).encode(), 0)
    files["crlf_and_cr.xml"] = (rss().replace(">", ">\r").encode(), 5)
    files["invalid_utf8_sequences.xml"] = (rss().encode().replace(b"Rossi", b"Ro\xc3\x28ss\xff"), 0)
    files["entity_numeric_bad.xml"] = (rss(items_rss(title_of=lambda i: f"&#0;&#xD800;&#99999999; {i}")).encode(), 0)
    files["html_in_description.xml"] = (rss(items_rss(extra="<description><script>alert(1)</script><p>x</p>"
                                                            "</description>")).encode(), 0)
    files["rss_version_missing.xml"] = (rss().replace(' version="2.0"', "").encode(), 5)
    files["atom_truncated_mid_entry_tag.xml"] = (atom().encode()[: atom().index("<entry>", 300) + 4], 0)
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.xml"):
        old.unlink()
    files = build()
    for name, (data, _) in files.items():
        (OUT / name).write_bytes(data)
    expected = {name: n for name, (_, n) in sorted(files.items())}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
