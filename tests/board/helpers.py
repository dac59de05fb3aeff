import csv
import io
import re
import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}


def svgs(html):
    """Every board chart SVG in a page, parsed (fails if one is not well-formed XML)."""
    return [
        ET.fromstring(m.group(0))
        for m in re.finditer(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, re.S)
    ]


def chart(html):
    """The chart shown on screen (the first SVG of the page)."""
    return svgs(html)[0]


def rows(svg):
    return svg.findall(".//s:g[@class='row']", NS)


def marks(row, cls):
    return [e for e in row.iter() if cls in (e.get("class") or "").split()]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))
