"""wparchive's ports of `wpautop`, `shortcode_unautop` and `wptexturize` against WordPress's own.

The real functions run through php-cli from the same WordPress the `wordpress` fixture serves
(Debian's /usr/share/wordpress), with the shortcodes core registers. The fixture is requested so this
comparison fails in CI (CI=true) instead of skipping when WordPress is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.render.autop_cases import AUTOP_INPUTS, TEXTURIZE_INPUTS
from tests.wp.harness import WP_SOURCE
from wparchive.render.autop import CORE_SHORTCODES, shortcode_unautop, wpautop
from wparchive.render.texturize import capital_p_dangit, wptexturize

INPUTS = AUTOP_INPUTS + TEXTURIZE_INPUTS

PHP = """<?php
define('ABSPATH', %(root)s . '/');
define('WPINC', 'wp-includes');
function _x($text, $context, $domain = 'default') { return $text; }  // no translations loaded
require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/shortcodes.php';
foreach (%(shortcodes)s as $tag) { add_shortcode($tag, '__return_empty_string'); }
$out = array();
foreach (json_decode(stream_get_contents(STDIN), true) as $text) {
    $out[] = array(wpautop($text), shortcode_unautop(wpautop($text)), wptexturize($text),
                   capital_P_dangit(wptexturize($text)));
}
echo json_encode($out);
"""


@pytest.fixture(scope="module")
def wordpress_autop(wordpress, tmp_path_factory) -> list[tuple[str, str]]:
    """(wpautop(x), shortcode_unautop(wpautop(x)), wptexturize(x)) from the real WordPress."""
    script = tmp_path_factory.mktemp("autop") / "autop.php"
    script.write_text(PHP % {"root": json.dumps(str(WP_SOURCE)),
                             "shortcodes": "array(" + ", ".join(map(json.dumps, CORE_SHORTCODES)) + ")"})
    php = shutil.which("php") or "/usr/bin/php"
    result = subprocess.run([php, str(script)], input=json.dumps(INPUTS), capture_output=True,
                            text=True, timeout=60, check=True)
    return [tuple(outputs) for outputs in json.loads(result.stdout)]


@pytest.mark.parametrize("index", range(len(INPUTS)))
def test_wpautop_and_wptexturize_match_wordpress(wordpress_autop, index):
    text = INPUTS[index]
    expected_autop, expected_unautop, expected_texturize, expected_dangit = wordpress_autop[index]
    assert wpautop(text) == expected_autop
    assert shortcode_unautop(wpautop(text)) == expected_unautop
    assert wptexturize(text, CORE_SHORTCODES) == expected_texturize
    assert capital_p_dangit(wptexturize(text, CORE_SHORTCODES)) == expected_dangit


def test_the_inputs_exercise_every_rule(wordpress_autop):
    # A comparison on inputs WordPress leaves unchanged would prove nothing.
    changed = sum(out[0] != text for text, out in zip(INPUTS, wordpress_autop, strict=True))
    unautopped = sum(out[0] != out[1] for out in wordpress_autop)
    texturized = sum(out[2] != text for text, out in zip(TEXTURIZE_INPUTS, wordpress_autop[len(AUTOP_INPUTS):],
                                                         strict=True))
    assert changed >= len(INPUTS) - 3
    assert unautopped >= 3
    assert texturized == len(TEXTURIZE_INPUTS)
    assert any("Wordpress" in out[2] and "WordPress" in out[3] for out in wordpress_autop)
