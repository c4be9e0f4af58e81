"""Deterministic corpus of WordPress-rendered post HTML for the converter benchmark.

`make_posts(total_bytes, seed)` returns post bodies shaped like the REST API's `content.rendered` from
WordPress 6.1 for core blocks (blocks separated by the blank lines the removed `<!-- wp:... -->`
delimiters leave, wptexturize entities, `&nbsp;`, srcset images, nested lists, tables, code, galleries,
columns, buttons, separators, embeds), plus classic-editor posts (wpautop `<p>`/`<br />` and raw
`[caption]` shortcodes). A few posts keep their block delimiters or carry script/style/noscript, as
dumps of `content.raw` and plugin output do. Everything comes from one seeded `random.Random`, so the
same arguments always give byte-identical posts.

Run it to print one post: `python bench/corpus.py [seed] [index]`.
"""

from __future__ import annotations

import random
import sys

MIN_POST = 2048  # bytes of UTF-8; "2-30 KB" under either meaning of KB
MAX_POST = 30000

WORDS = """
the of and to in is that for it as was with be by on not he this are or his from at which but have an
they you were her she there been one all we their has would when if so no what up out who them some
into more other then its time only could new these two may first any my now such like our over man me
even most made after also did many before must through back years where much your way well down should
because each just those people how too little state good very make world still own see men work long
here get both between life being under never day same another know while last might us great old year
off come since against go came right used take three states himself few house use during without again
place around however home small found thought went say part once general high upon school every does
got united left number course war until always away something fact though water less public put think
almost hand enough far took head yet government system better set told nothing night end why called
find look going asked later knew point next program city business give group toward young days let
room president side social present given several order national second possible rather per face among
form important often things looked early white case large become free need big within felt children
along saw best church ever least power development light thing seemed family interest want members
mind country area others done turned although open problem kind began certain help already question
garden harbour lantern meadow orchard quarry ribbon saddle timber valley willow anchor beacon canyon
delta ember fjord glacier hollow island jetty kettle ledger mosaic nectar oyster pepper quartz raven
summit tundra umber velvet walnut yarrow zephyr archive backup cache daemon endpoint firmware gateway
hostname iterator kernel latency module namespace payload queue router schema thread upload vector
widget buffer cursor deploy export filter handler index journal keystroke lambda migrate parser query
render snapshot token unicode version webhook benchmark compile dataset encoder feature gradient
hyperlink integer javascript keyword layout markup network operator plugin quota runtime sitemap
template utility validator workflow browser comment category excerpt permalink revision shortcode
theme sidebar footer header gallery caption thumbnail embed column button separator paragraph heading
quietly rapidly carefully gently boldly warmly briefly nearly barely clearly roughly simply easily
honest clever brave calm eager fancy gentle happy jolly kind lively modest nimble proud quick rustic
silent tidy urgent vivid witty zesty ancient bright crisp dusty elegant fragile golden hollow icy
jagged knotty lush mellow narrow opaque pale rugged sturdy tender uneven vast weary yellow zealous
explain borrow collect deliver examine follow gather imagine measure notice observe prepare recommend
remember suggest travel understand visit wander whisper arrange balance capture describe discover
estimate forecast harvest install launch maintain negotiate organise publish question restore schedule
translate update verify
""".split()

NAMES = """
Alice Bob Carol Dmitri Émile Fatima Günter Hiro Ines Jamal Keiko Lars María Noor Olu Priya Quentin
Rosa Søren Tomás Uma Viktor Wen Ximena Yusuf Zoë London Zürich Kraków São Paulo Reykjavík Montréal
Lisbon Nairobi Osaka Tbilisi Québec WordPress Gutenberg PHP MySQL Linux GitHub
""".split()

ACCENTED = "café naïve résumé façade jalapeño crème brûlée déjà vu piñata smörgåsbord über coöperate".split()
CONTRACTIONS = ["don&#8217;t", "it&#8217;s", "we&#8217;re", "isn&#8217;t", "you&#8217;ll", "they&#8217;ve",
                "can&#8217;t", "I&#8217;m", "that&#8217;s", "won&#8217;t", "the &#8217;90s"]
TLDS = ["com", "org", "net", "io", "co.uk", "de"]
LANGS = ["python", "php", "js", "bash", "css", "sql"]

BLOCK_SEP = "\n\n\n\n"  # what removing `<!-- wp:x -->`/`<!-- /wp:x -->` leaves between blocks


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.attachment = 10
        self.container = 1
        self.post_id = 100

    # -- words ------------------------------------------------------------------------------
    def word(self) -> str:
        r = self.r.random()
        if r < 0.86:
            return self.r.choice(WORDS)
        if r < 0.93:
            return self.r.choice(NAMES)
        if r < 0.96:
            return self.r.choice(CONTRACTIONS)
        if r < 0.98:
            return self.r.choice(ACCENTED)
        return str(self.r.choice([3, 7, 12, 42, 100, 2019, 2023, 1_000, 65_536]))

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.word() for _ in range(self.r.randint(lo, hi)))

    def url(self, path: bool = True) -> str:
        host = f"{self.r.choice(WORDS)}{self.r.choice(['', '-blog', '-news', 'hub'])}.{self.r.choice(TLDS)}"
        if not path:
            return f"https://{host}/"
        kind = self.r.random()
        if kind < 0.5:
            slug = "-".join(self.r.choice(WORDS) for _ in range(self.r.randint(2, 6)))
            return f"https://{host}/{self.r.randint(2012, 2023)}/{self.r.randint(1, 12):02d}/{slug}/"
        if kind < 0.8:
            return f"https://{host}/?p={self.r.randint(1, 9999)}&amp;utm_source={self.r.choice(WORDS)}"
        return f"https://{host}/{self.r.choice(WORDS)}/#{self.r.choice(WORDS)}"

    def inline_run(self, lo: int, hi: int) -> str:
        """1-4 words, maybe wrapped in inline markup."""
        text = self.words(lo, hi)
        r = self.r.random()
        if r < 0.45:
            extra = ' target="_blank" rel="noreferrer noopener"' if self.r.random() < 0.3 else ""
            return f'<a href="{self.url()}"{extra}>{text}</a>'
        if r < 0.65:
            return f"<strong>{text}</strong>"
        if r < 0.82:
            return f"<em>{text}</em>"
        if r < 0.90:
            return f"<code>{self.r.choice(WORDS)}_{self.r.choice(WORDS)}()</code>"
        if r < 0.94:
            return f"<strong><em>{text}</em></strong>"
        if r < 0.97:
            return (f'<mark style="background-color:rgba(0, 0, 0, 0)" class="has-inline-color '
                    f'has-vivid-red-color">{text}</mark>')
        return f"{text}<sup>{self.r.randint(1, 9)}</sup>"

    def sentence(self, markup: bool = True) -> str:
        parts = []
        n = self.r.randint(6, 24)
        i = 0
        while i < n:
            if markup and self.r.random() < 0.07:
                parts.append(self.inline_run(1, 4))
                i += 3
            else:
                parts.append(self.word())
                i += 1
            if i < n - 2 and self.r.random() < 0.06:
                parts[-1] += self.r.choice([",", ",", ";", ":", " &#8211;", " &#8212;"])
        text = " ".join(parts)
        if self.r.random() < 0.08:
            quote = self.words(2, 6)
            text += f", &#8220;{quote[:1].upper()}{quote[1:]},&#8221; {self.r.choice(NAMES)} said"
        if self.r.random() < 0.05:
            text += f" ({self.words(1, 4)})"
        end = self.r.choices([".", "?", "!", "&#8230;"], weights=[85, 7, 4, 4])[0]
        if text[:1] == "<":
            return text + end
        return text[:1].upper() + text[1:] + end

    def sentences(self, lo: int, hi: int, markup: bool = True) -> str:
        out = []
        for _ in range(self.r.randint(lo, hi)):
            out.append(self.sentence(markup))
            if self.r.random() < 0.04:
                out[-1] += "&nbsp;"  # two spaces after a full stop, as pasted from a word processor
        return " ".join(out)

    # -- media ------------------------------------------------------------------------------
    def image_tag(self, classic: bool = False, alt: bool | None = None) -> tuple[str, str]:
        self.attachment += self.r.randint(1, 40)
        aid = self.attachment
        name = "-".join(self.r.choice(WORDS) for _ in range(self.r.randint(1, 3)))
        year, month = self.r.randint(2015, 2023), self.r.randint(1, 12)
        base = f"https://{self.r.choice(WORDS)}.{self.r.choice(TLDS)}/wp-content/uploads/{year}/{month:02d}/{name}"
        w, h = self.r.choice([(1024, 683), (1024, 768), (1024, 576), (800, 1200), (1024, 1024)])
        has_alt = self.r.random() < 0.75 if alt is None else alt
        alt_text = self.words(2, 8) if has_alt else ""
        ext = self.r.choice(["jpg", "jpg", "png", "webp"])
        if classic:
            size = self.r.choice(["medium", "large", "full"])
            cw = 300 if size == "medium" else w
            ch = round(h * cw / w)
            tag = (f'<img class="size-{size} wp-image-{aid}" src="{base}-{cw}x{ch}.{ext}" '
                   f'alt="{alt_text}" width="{cw}" height="{ch}" />')
            return tag, alt_text
        widths = [300, 768, 1024, 1536, 2048]
        srcset = ", ".join(f"{base}-{x}x{round(h * x / w)}.{ext} {x}w" for x in widths)
        lazy = ' loading="lazy"' if self.r.random() < 0.8 else ""
        tag = (f'<img decoding="async"{lazy} width="{w}" height="{h}" src="{base}-{w}x{h}.{ext}" '
               f'alt="{alt_text}" class="wp-image-{aid}" srcset="{srcset}" '
               f'sizes="(max-width: {w}px) 100vw, {w}px" />')
        return tag, alt_text

    def caption(self) -> str:
        return self.sentence(markup=self.r.random() < 0.3).rstrip(".")

    # -- blocks -----------------------------------------------------------------------------
    def paragraph(self) -> str:
        cls = self.r.choices(
            ["", ' class="has-text-align-center"', ' class="has-drop-cap"',
             ' class="has-background" style="background-color:#f6f6f6"', ' class="has-small-font-size"'],
            weights=[80, 5, 3, 4, 8],
        )[0]
        body = self.sentences(1, 6)
        if self.r.random() < 0.04:
            body += f"<br>{self.sentences(1, 2)}"
        return f"<p{cls}>{body}</p>"

    def heading(self) -> str:
        level = self.r.choices([2, 3, 4], weights=[6, 3, 1])[0]
        text = self.words(2, 8)
        text = text[:1].upper() + text[1:]
        anchor = f' id="{self.r.choice(WORDS)}-{self.r.choice(WORDS)}"' if self.r.random() < 0.2 else ""
        if self.r.random() < 0.1:
            text = f"<strong>{text}</strong>"
        return f'<h{level} class="wp-block-heading"{anchor}>{text}</h{level}>'

    def list_block(self, depth: int = 1) -> str:
        ordered = self.r.random() < 0.35
        tag = "ol" if ordered else "ul"
        attrs = ""
        if ordered and self.r.random() < 0.1:
            attrs = f' start="{self.r.randint(2, 9)}"'
        items = []
        for _ in range(self.r.randint(2, 6)):
            text = self.sentence() if self.r.random() < 0.5 else self.words(2, 8)
            if depth < 3 and self.r.random() < (0.3 if depth == 1 else 0.2):
                text += "\n" + self.list_block(depth + 1) + "\n"
            items.append(f"<li>{text}</li>")
        return f"<{tag}{attrs}>\n" + BLOCK_SEP.join(items) + f"\n</{tag}>"

    def quote(self) -> str:
        paras = BLOCK_SEP.join(f"<p>{self.sentences(1, 3)}</p>" for _ in range(self.r.randint(1, 3)))
        cite = ""
        if self.r.random() < 0.7:
            who = f"{self.r.choice(NAMES)} {self.r.choice(NAMES)}"
            cite = f"<cite>{who}</cite>" if self.r.random() < 0.6 else \
                f'<cite>{who}, <a href="{self.url()}">{self.words(2, 5)}</a></cite>'
        cls = "wp-block-quote" if self.r.random() < 0.85 else "wp-block-quote is-style-large"
        return f'<blockquote class="{cls}">\n{paras}\n{cite}</blockquote>'

    def pullquote(self) -> str:
        return (f'<figure class="wp-block-pullquote"><blockquote><p>{self.sentences(1, 2)}</p>'
                f"<cite>{self.r.choice(NAMES)}</cite></blockquote></figure>")

    def image(self) -> str:
        tag, _alt = self.image_tag()
        size = self.r.choice(["size-large", "size-large", "size-full", "size-medium"])
        align = self.r.choice(["", "", " aligncenter", " alignwide"])
        if self.r.random() < 0.15:
            tag = f'<a href="{self.url()}">{tag}</a>'
        cap = ""
        if self.r.random() < 0.6:
            cap = f'<figcaption class="wp-element-caption">{self.caption()}</figcaption>'
        return f'<figure class="wp-block-image{align} {size}">{tag}{cap}</figure>'

    def gallery(self) -> str:
        images = []
        for _ in range(self.r.randint(2, 6)):
            tag, _alt = self.image_tag()
            cap = ""
            if self.r.random() < 0.4:
                cap = f'<figcaption class="wp-element-caption">{self.words(2, 6)}</figcaption>'
            images.append(f'<figure class="wp-block-image size-large">{tag}{cap}</figure>')
        caption = ""
        if self.r.random() < 0.5:
            caption = ('\n<figcaption class="blocks-gallery-caption wp-element-caption">'
                       f"{self.caption()}</figcaption>")
        cols = self.r.choice(["columns-default", "columns-2", "columns-3"])
        return (f'<figure class="wp-block-gallery has-nested-images {cols} is-cropped">\n'
                + BLOCK_SEP.join(images) + f"{caption}</figure>")

    def table(self) -> str:
        cols = self.r.randint(2, 5)
        rows = self.r.randint(2, 9)

        def cell() -> str:
            r = self.r.random()
            if r < 0.1:
                return ""
            if r < 0.2:
                return f"{self.r.randint(0, 9999):,}"
            if r < 0.3:
                return f"{self.words(1, 3)}<br>{self.words(1, 3)}"
            if r < 0.4:
                return self.inline_run(1, 3)
            return self.words(1, 5)

        head = ""
        if self.r.random() < 0.7:
            head = "<thead><tr>" + "".join(f"<th>{self.words(1, 3)}</th>" for _ in range(cols)) + \
                "</tr></thead>"
        body = "".join("<tr>" + "".join(f"<td>{cell()}</td>" for _ in range(cols)) + "</tr>"
                       for _ in range(rows))
        cls = self.r.choice(["wp-block-table", "wp-block-table", "wp-block-table is-style-stripes"])
        tcls = ' class="has-fixed-layout"' if self.r.random() < 0.3 else ""
        cap = ""
        if self.r.random() < 0.3:
            cap = f'<figcaption class="wp-element-caption">{self.caption()}</figcaption>'
        return f'<figure class="{cls}"><table{tcls}>{head}<tbody>{body}</tbody></table>{cap}</figure>'

    def code_text(self) -> str:
        """A plausible snippet: indentation follows its openers and closers, entities escaped."""
        lang = self.r.choice(LANGS)
        unit = "\t" if lang == "php" else "    " if lang in ("python", "js") else "  "
        lines: list[str] = []
        depth = 0
        for _ in range(self.r.randint(3, 18)):
            a, b = self.r.choice(WORDS), self.r.choice(WORDS)
            if lines and lines[-1] and self.r.random() < 0.08:
                lines.append("")
                continue
            if lang == "python":
                opener = [f"def {a}_{b}(x, y=None):", f"if {a} &lt; {b}:", f"for {a} in {b}s:"]
                simple = [f"{a} = {{'{b}': [1, 2, 3]}}", f"return {a} &amp; {b}",
                          f'print(f"{{{a}!r}} -&gt; {b}")', f"# {self.words(2, 6)}"]
                closer: list[str] = []
            elif lang == "php":
                opener = [f"function {a}_{b}( $post ) {{", f"if ( ${a} &amp;&amp; ! ${b} ) {{"]
                simple = [f"${a} = get_option( '{b}' );", f"echo esc_html( ${a} ); // {b}",
                          f"add_filter( 'the_content', '{a}_{b}', 10, 2 );"]
                closer = ["}"]
            elif lang == "bash":
                opener = [f"for f in *.{b}; do", f'if [ -n "${a.upper()}" ]; then']
                simple = [f"curl -s 'https://{a}.com/wp-json/wp/v2/posts?per_page=100&amp;page=2' | jq .",
                          f"export {a.upper()}=1", f"{a} --{b} &gt; out.txt 2&gt;&amp;1", 'echo "$f"']
                closer = ["done", "fi"]
            elif lang == "css":
                opener = [f".{a}-{b} {{", f"@media (max-width: {self.r.choice([600, 782, 1024])}px) {{"]
                simple = [f"margin: {self.r.randint(0, 40)}px auto;",
                          f"color: #{self.r.randint(0, 0xFFFFFF):06x};",
                          f"font-family: &quot;{self.r.choice(NAMES)}&quot;, serif;"]
                closer = ["}"]
            elif lang == "sql":
                opener = [f"SELECT {a}, {b}", "WHERE post_id IN ("]
                simple = ["FROM wp_posts", f"AND {b} &lt;&gt; 0", f"-- {self.words(2, 5)}"]
                closer = ["ORDER BY post_date DESC;", ")"]
            else:
                opener = [f"if ({a} &lt; {b}) {{", f"async function {a}{b.capitalize()}() {{"]
                simple = [f"const {a} = await fetch('/{b}');", f"return {a}.map((x) =&gt; x * 2);",
                          f"document.querySelector('.{a}').textContent = \"{b}\";"]
                closer = ["}"]
            r = self.r.random()
            if depth and r < 0.25:
                depth -= 1
                line = self.r.choice(closer) if closer else self.r.choice(simple)
                lines.append(unit * depth + line)
            elif depth < 3 and r < 0.5:
                lines.append(unit * depth + self.r.choice(opener))
                depth += 1
            else:
                lines.append(unit * depth + self.r.choice(simple))
        while depth:
            depth -= 1
            if closer:
                lines.append(unit * depth + closer[0])
        if lines and not lines[-1]:
            lines.pop()
        if self.r.random() < 0.05:  # pasted code with a trailing space on a line
            lines[0] += " "
        return "\n".join(lines)

    def code(self) -> str:
        return f'<pre class="wp-block-code"><code>{self.code_text()}</code></pre>'

    def preformatted(self) -> str:
        lines = [self.words(3, 8), "    " + self.words(3, 8), self.words(2, 5)]
        return '<pre class="wp-block-preformatted">' + "\n".join(lines) + "</pre>"

    def verse(self) -> str:
        lines = "\n".join(self.words(3, 7) for _ in range(self.r.randint(2, 6)))
        return f'<pre class="wp-block-verse">{lines}</pre>'

    def columns(self) -> str:
        self.container += 1
        cols = []
        for _ in range(self.r.randint(2, 3)):
            kinds = [self.paragraph, self.paragraph, self.heading, self.image, self.list_block]
            inner = [self.r.choice(kinds)() for _ in range(self.r.randint(1, 3))]
            cols.append('<div class="wp-block-column is-layout-flow">\n' + BLOCK_SEP.join(inner) + "\n</div>")
        return (f'<div class="wp-block-columns is-layout-flex wp-container-{self.container}">\n'
                + BLOCK_SEP.join(cols) + "\n</div>")

    def group(self) -> str:
        self.container += 1
        kinds = [self.paragraph, self.heading, self.list_block]
        inner = [self.r.choice(kinds)() for _ in range(self.r.randint(1, 3))]
        return ('<div class="wp-block-group has-background is-layout-constrained '
                f'wp-container-{self.container}" style="background-color:#eef">\n'
                + BLOCK_SEP.join(inner) + "\n</div>")

    def buttons(self) -> str:
        self.container += 1
        btns = []
        for _ in range(self.r.randint(1, 3)):
            label = self.words(1, 3)
            label = label[:1].upper() + label[1:]
            btns.append(f'<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" '
                        f'href="{self.url()}">{label}</a></div>')
        return (f'<div class="wp-block-buttons is-layout-flex wp-container-{self.container}">\n'
                + BLOCK_SEP.join(btns) + "\n</div>")

    def separator(self) -> str:
        return self.r.choice([
            '<hr class="wp-block-separator has-alpha-channel-opacity"/>',
            '<hr class="wp-block-separator has-alpha-channel-opacity is-style-wide"/>',
            '<hr class="wp-block-separator has-alpha-channel-opacity is-style-dots"/>',
        ])

    def embed(self) -> str:
        vid = "".join(self.r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
                      for _ in range(11))
        cap = ""
        if self.r.random() < 0.3:
            cap = f'<figcaption class="wp-element-caption">{self.caption()}</figcaption>'
        kind = self.r.random()
        if kind < 0.45:  # oEmbed not resolved (as in many REST dumps): the bare URL
            return ('<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube '
                    'wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n'
                    f"https://www.youtube.com/watch?v={vid}\n</div>{cap}</figure>")
        if kind < 0.8:  # resolved: the iframe
            title = self.words(3, 8)
            return ('<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube '
                    'wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n'
                    f'<iframe loading="lazy" title="{title}" width="500" height="281" '
                    f'src="https://www.youtube.com/embed/{vid}?feature=oembed" frameborder="0" '
                    'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
                    'picture-in-picture; web-share" allowfullscreen></iframe>\n'
                    f"</div>{cap}</figure>")
        handle = self.r.choice(WORDS)
        return ('<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter">'
                '<div class="wp-block-embed__wrapper">\n<blockquote class="twitter-tweet" data-width="550" '
                f'data-dnt="true"><p lang="en" dir="ltr">{self.sentence(markup=False)}</p>&mdash; '
                f'{self.r.choice(NAMES)} (@{handle}) <a href="https://twitter.com/{handle}/status/'
                f'{self.r.randint(10**17, 10**18)}?ref_src=twsrc%5Etfw">March {self.r.randint(1, 28)}, '
                f'{self.r.randint(2015, 2023)}</a></blockquote><script async '
                'src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
                f"</div>{cap}</figure>")

    def custom_html(self) -> str:
        return self.r.choice([
            f'<style>.{self.r.choice(WORDS)}-box {{ border: 1px solid #ccc; padding: 1em; }}</style>\n'
            f'<div class="{self.r.choice(WORDS)}-box">{self.sentences(1, 2)}</div>',
            f'<div class="note"><p>{self.sentences(1, 2)}</p></div>',
            f'<script type="text/javascript">window.dataLayer = window.dataLayer || []; '
            f'dataLayer.push({{"{self.r.choice(WORDS)}": 1}});</script>',
        ])

    def more(self) -> str:
        self.post_id += 1
        return f'<p><span id="more-{self.post_id}"></span>{self.sentences(1, 2)}</p>'

    BLOCKS = (
        ("paragraph", 46), ("heading", 9), ("list_block", 8), ("quote", 3), ("pullquote", 1), ("image", 6),
        ("gallery", 2), ("table", 3), ("code", 3), ("preformatted", 1), ("verse", 1), ("columns", 2),
        ("group", 1), ("buttons", 2), ("separator", 3), ("embed", 3), ("custom_html", 1),
    )

    def block_post(self, target: int) -> str:
        names = [n for n, _ in self.BLOCKS]
        weights = [w for _, w in self.BLOCKS]
        keep_delims = self.r.random() < 0.08  # a `content.raw` dump: block comments still in place
        blocks: list[str] = [self.paragraph()]
        size = len(blocks[0].encode("utf-8"))
        if self.r.random() < 0.3:
            blocks.append(self.more())
        misses = 0
        while size < target and misses < 8:
            name = self.r.choices(names, weights)[0]
            block = getattr(self, name)()
            if keep_delims:
                slug = {"list_block": "list", "code": "code", "custom_html": "html"}.get(name, name)
                block = f"<!-- wp:{slug} -->\n{block}\n<!-- /wp:{slug} -->"
            n = len(block.encode("utf-8")) + len(BLOCK_SEP)
            if size + n > MAX_POST - 8:
                misses += 1
                continue
            blocks.append(block)
            size += n
        return "\n" + BLOCK_SEP.join(blocks) + "\n"

    # -- classic editor ---------------------------------------------------------------------
    def classic_paragraph(self) -> str:
        lines = [self.sentences(1, 4)]
        while self.r.random() < 0.25:
            lines.append(self.sentences(1, 2))
        return "<p>" + "<br />\n".join(lines) + "</p>"

    def classic_caption(self) -> str:
        tag, _alt = self.image_tag(classic=True)
        if self.r.random() < 0.3:
            tag = f'<a href="{self.url()}">{tag}</a>'
        align = self.r.choice(["alignnone", "aligncenter", "alignleft", "alignright"])
        width = self.r.choice([300, 640, 1024])
        sc = (f'[caption id="attachment_{self.attachment}" align="{align}" width="{width}"]{tag} '
              f"{self.caption()}[/caption]")
        return f"<p>{sc}</p>" if self.r.random() < 0.6 else sc

    def classic_block(self) -> str:
        r = self.r.random()
        if r < 0.62:
            return self.classic_paragraph()
        if r < 0.70:
            level = self.r.choice([2, 3, 3, 4])
            return f"<h{level}>{self.words(2, 7).capitalize()}</h{level}>"
        if r < 0.78:
            tag = self.r.choice(["ul", "ol"])
            items = "\n".join(f"<li>{self.words(2, 10)}</li>" for _ in range(self.r.randint(2, 6)))
            return f"<{tag}>\n{items}\n</{tag}>"
        if r < 0.86:
            return self.classic_caption()
        if r < 0.90:
            return f"<blockquote><p>{self.sentences(1, 3)}</p></blockquote>"
        if r < 0.93:
            return "<p>&nbsp;</p>"
        if r < 0.96:
            tag, _alt = self.image_tag(classic=True)
            lazy = tag.replace(" src=", " data-lazy-src=")
            lazy = lazy.replace("<img ", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" ', 1)
            return f"<p>{lazy}<noscript>{tag}</noscript></p>"
        if r < 0.98:
            return f'<p><span style="font-weight: 400;">{self.sentences(1, 3)}</span></p>'
        return f"<pre>{self.code_text()}</pre>"

    def classic_post(self, target: int) -> str:
        blocks: list[str] = []
        size = 0
        misses = 0
        while size < target and misses < 8:
            block = self.classic_block()
            n = len(block.encode("utf-8")) + 1
            if size + n > MAX_POST - 8:
                misses += 1
                continue
            blocks.append(block)
            size += n
        return "\n".join(blocks) + "\n"

    def post(self) -> str:
        # Log-uniform size target, so short posts are common and long ones still appear.
        target = int(MIN_POST * (MAX_POST * 0.95 / MIN_POST) ** self.r.random())
        target = max(target, MIN_POST)
        classic = self.r.random() < 0.2
        html = self.classic_post(target) if classic else self.block_post(target)
        while len(html.encode("utf-8")) < MIN_POST:  # a final short block fell under the floor
            more = self.classic_paragraph() if classic else self.paragraph()
            html += ("\n" if classic else BLOCK_SEP) + more
        return html


def make_posts(total_bytes: int, seed: int = 1) -> list[str]:
    """Post HTML strings of 2-30 KB each (UTF-8), together at least `total_bytes` bytes."""
    gen = _Gen(random.Random(seed))
    posts: list[str] = []
    size = 0
    while size < total_bytes:
        html = gen.post()
        if len(html.encode("utf-8")) > MAX_POST:
            continue
        posts.append(html)
        size += len(html.encode("utf-8"))
    return posts


if __name__ == "__main__":
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    index = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    print(make_posts(MAX_POST * (index + 1), seed)[index])
