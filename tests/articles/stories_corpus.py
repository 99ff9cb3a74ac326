"""Made-up reports for the story tests: one event told by two outlets in their own words, and
an unrelated report from the same trade (same vocabulary, days apart by no more than the rest)."""

from .feeds import rss

# Outlet one's report.
HALDEN_WIRE = (
    "Norsk Oxide signs $410 million deal to build terbium separation line at Halden",
    "<p>Norwegian refiner Norsk Oxide has signed a $410 million financing agreement with a "
    "group of Nordic lenders to build a terbium and dysprosium separation line at its Halden "
    "site. The plant is designed to process 2,350 tonnes of mixed rare earth carbonate a year "
    "and should start commissioning in late 2027, chief executive Ingrid Vold said on "
    "Tuesday.</p><p>The company said the line would supply European magnet makers, who import "
    "almost all of their heavy rare earths today.</p>",
)
# Outlet two's report of the same event, reworded.
HALDEN_DAILY = (
    "Nordic banks back Norsk Oxide's Halden heavy rare earth separation plant",
    "<p>Norsk Oxide, the Norwegian rare earth refiner, said on Tuesday that Nordic lenders had "
    "agreed to provide $410 million for a new separation line at Halden for terbium and "
    "dysprosium. Chief executive Ingrid Vold said commissioning should begin in late 2027 and "
    "that the plant would treat 2,350 tonnes of mixed carbonate annually.</p><p>European magnet "
    "manufacturers currently import nearly all of their heavy rare earths, the company noted.</p>",
)
# Same trade, same week, different event.
UNRELATED = (
    "Rare earth magnet exports from China fall for a third month",
    "<p>China's exports of rare earth permanent magnets fell 12 percent in October from a "
    "month earlier, customs figures showed on Monday, as buyers in Europe and the United "
    "States ran down inventories. Shipments to Germany dropped the most, while exports to "
    "South Korea rose slightly. Traders expect demand from electric vehicle makers to pick "
    "up early next year.</p>",
)


def report(n: int, text: tuple[str, str], *, site: str, day: int = 3, month: str = "Feb") -> str:
    title, body = text
    return (
        f"<item><title>{title}</title><link>https://{site}/news/{n}/</link>"
        f"<guid>https://{site}/news/{n}/</guid>"
        f"<pubDate>Tue, {day:02d} {month} 2026 09:{n:02d}:00 +0000</pubDate>"
        f"<description><![CDATA[{body}]]></description></item>"
    )


def outlet_feed(*items: str, title: str) -> bytes:
    return rss(*items, title=title)
