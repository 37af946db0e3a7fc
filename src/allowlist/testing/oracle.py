"""Reference for the allowlist tests and benchmark: the same selection done with Python's ipaddress.

stdin: {"selections": [{"file", "services", "exclude", "regions", "nbgs", "families"}]} (patterns are
case-insensitive globs; an empty list means "all" for regions and nbgs). stdout: one list of prefixes per
selection, IPv4 then IPv6, each from ipaddress.collapse_addresses.
"""
import bisect
import fnmatch
import ipaddress
import json
import re
import sys

_files = {}


def load(path):
    if path not in _files:
        with open(path, "rb") as f:
            _files[path] = json.load(f)
    return _files[path]


def matcher(patterns):
    if not patterns:
        return lambda name: True
    regexes = [re.compile(fnmatch.translate(p), re.IGNORECASE) for p in patterns]
    return lambda name: name is not None and any(r.match(name) for r in regexes)


def subtract(included, excluded):
    """Every address of the collapsed list `included` in no network of the collapsed list `excluded`."""
    starts = [int(e.network_address) for e in excluded]
    out = []
    for net in included:
        lo = bisect.bisect_left(starts, int(net.network_address))
        hi = bisect.bisect_right(starts, int(net.broadcast_address))
        if lo > 0 and excluded[lo - 1].supernet_of(net):
            continue
        pieces = [net]
        for e in excluded[lo:hi]:
            nxt = []
            for p in pieces:
                if p.subnet_of(e):
                    continue
                if p.supernet_of(e):
                    nxt.extend(p.address_exclude(e))
                else:
                    nxt.append(p)
            pieces = nxt
        out.extend(pieces)
    return list(ipaddress.collapse_addresses(out))


def select(spec):
    doc = load(spec["file"])
    services = matcher(spec.get("services") or ["AMAZON"])
    exclude = matcher(spec["exclude"]) if spec.get("exclude") else (lambda name: False)
    regions = matcher(spec.get("regions"))
    nbgs = matcher(spec.get("nbgs"))
    result = []
    for family, key, field in ((4, "prefixes", "ip_prefix"), (6, "ipv6_prefixes", "ipv6_prefix")):
        if family not in spec.get("families", [4, 6]):
            continue
        take, drop = [], []
        for row in doc.get(key, []):
            net = ipaddress.ip_network(row[field])
            if exclude(row["service"]):
                drop.append(net)
            if services(row["service"]) and regions(row["region"]) and nbgs(row.get("network_border_group")):
                take.append(net)
        kept = list(ipaddress.collapse_addresses(take))
        if spec.get("exclude"):
            kept = subtract(kept, list(ipaddress.collapse_addresses(drop)))
        result.extend(str(n) for n in kept)
    return result


def main():
    request = json.load(sys.stdin)
    json.dump([select(s) for s in request["selections"]], sys.stdout)


if __name__ == "__main__":
    main()
