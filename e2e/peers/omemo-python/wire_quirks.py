"""
wire_quirks -- the peer's switches for what real OMEMO clients do on the wire (README, "Switches"):
prekey and signed prekey ids from 0, fewer prekeys published, PreKeySignalMessages without
prekey="true", and <encrypted/> without the recipient's keys. Pure helpers over python-oldmemo's
storage and XML; omemo_peer.py calls them.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, List

from omemo.storage import Storage
from oldmemo.oldmemo import NAMESPACE as OLDMEMO_NS


async def number_keys_from_zero(storage: Storage) -> None:
    """
    --key-ids-from-zero: a new store numbers its prekeys and its signed prekey from 0, as libsignal's key
    helper (and so several widely used clients) does; python-oldmemo starts at 1. oldmemo gives the next
    prekey "counter + 1" and the next signed prekey "highest id so far + 1" (Oldmemo.__get_pre_key_ids /
    __get_signed_pre_key_ids): seeding the counter with -1 and one placeholder signed prekey id -1
    (dropped as soon as the real key gets its id) makes both start at 0. Only for a store without keys:
    ids once given never change.
    """
    ns = f"/{OLDMEMO_NS}"
    if (await storage.load_dict(f"{ns}/signed_pre_key_ids", int)).maybe(None) is not None:
        return
    await storage.store(f"{ns}/pre_key_id_counter", -1)
    await storage.store(f"{ns}/signed_pre_key_ids", {base64.b64encode(b"placeholder").decode("ascii"): -1})


def keep_lowest_prekeys(bundle: ET.Element, n: int) -> ET.Element:
    """--publish-prekeys N: only the N prekeys with the lowest ids stay (a test then knows which one a session uses)."""
    prekeys = bundle.find(f"{{{OLDMEMO_NS}}}prekeys")
    if n > 0 and prekeys is not None:
        entries = sorted(prekeys.findall(f"{{{OLDMEMO_NS}}}preKeyPublic"), key=lambda e: int(e.get("preKeyId", "0")))
        for e in entries[n:]:
            prekeys.remove(e)
    return bundle


def bundle_summary(bundle: ET.Element) -> Dict[str, Any]:
    """For the `bundle` line: the signed prekey id, the five lowest prekey ids and how many were published."""
    ids = sorted(int(e.get("preKeyId", "-1")) for e in bundle.iter(f"{{{OLDMEMO_NS}}}preKeyPublic"))
    spk = bundle.find(f"{{{OLDMEMO_NS}}}signedPreKeyPublic")
    return {"signed_pre_key_id": int(spk.get("signedPreKeyId", "-1")) if spk is not None else None,
            "pre_key_ids": ids[:5], "pre_keys": len(ids)}


def edit_keys(encrypted: ET.Element, drop_rids: FrozenSet[int], prekey_attr: bool) -> List[int]:
    """
    --no-key-for-recipient: the keys for `drop_rids` are left out (what a client does that has no device
    list of the recipient cached: it encrypts for its own other devices only).
    --no-prekey-attr: the prekey="true" of PreKeySignalMessages is left out (lurch 0.7 and others).
    Returns the rids whose prekey attribute was removed.
    """
    header = encrypted.find(f"{{{OLDMEMO_NS}}}header")
    dropped_attr: List[int] = []
    for key in list(header.findall(f"{{{OLDMEMO_NS}}}key")) if header is not None else []:
        rid = int(key.get("rid", "0"))
        if rid in drop_rids:
            header.remove(key)  # type: ignore[union-attr]
        elif not prekey_attr and "prekey" in key.attrib:
            del key.attrib["prekey"]
            dropped_attr.append(rid)
    return dropped_attr


def add_switch_args(parser: Any) -> None:
    parser.add_argument("--key-ids-from-zero", action="store_true",
                        help="a new store numbers its prekeys and signed prekey from 0 (libsignal's habit; oldmemo starts at 1)")
    parser.add_argument("--publish-prekeys", type=int, default=0,
                        help="publish only the N prekeys with the lowest ids (0 = all)")
    parser.add_argument("--no-prekey-attr", action="store_true",
                        help="send PreKeySignalMessages without prekey=\"true\"")
    parser.add_argument("--no-key-for-recipient", action="store_true",
                        help="leave the recipient's <key/> elements out of <encrypted/> (keys for own other devices only)")


def switch_options(a: Any) -> Dict[str, Any]:
    """The OmemoPeer keyword arguments of these switches."""
    return dict(key_ids_from_zero=a.key_ids_from_zero, publish_prekeys=a.publish_prekeys,
                prekey_attr=not a.no_prekey_attr, key_for_recipient=not a.no_key_for_recipient)
