"""This computer's LAN credentials for one advertisement: the salt and tokens it
advertises, the certificate it shows for each network (under the network's LAN
authority, named for this advertisement's salt), and what the accepting side needs to
tell connections apart (:class:`casebook.relay.config.LanAccess`). The connecting side
gets its credentials for a colleague's advertisement (that one's salt) here too.

A :class:`LanHost` is made for one hour (``lan_tokens.window``) and for the seeds held
when it was made; the LAN service makes a new one every hour and whenever the seeds
change (a rotation). The names of the advertisement just before still answer, with its
certificates, so a colleague who read it still gets in; older names do not.
"""

from __future__ import annotations

import ssl
import time
import weakref
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from casebook.core.model import lan_tokens
from casebook.core.model.identity import Identity
from casebook.core.model.lan_tokens import Key
from casebook.protocol import lan
from casebook.sync.lan_link import Credentials

MAX_CLIENT_CREDENTIALS = 64  # colleagues' advertisements we keep a context for


@dataclass(frozen=True)
class Answer:
    """What a connection that asks for one of our names gets: the network, the context
    with our certificate and its trust, and that certificate (DER, for the proofs)."""

    net: bytes
    context: ssl.SSLContext
    der: bytes


def _credential(keys: Sequence[Key], salt: bytes) -> tuple[lan.Credential, list[lan.Authority]]:
    """A certificate under the newest authority, and the authorities trusted (newest
    and previous epoch), all named for ``salt``."""
    authorities = [lan.Authority.of(k, salt) for k in keys]
    return lan.issue(authorities[0]), authorities


class LanHost:
    """Implements the relay's ``LanAccess`` for one advertisement, and gives the
    connecting side its credentials."""

    def __init__(
        self,
        identity: Identity,
        held: Mapping[bytes, Sequence[Key]],
        now: float | None = None,
        previous: LanHost | None = None,
    ) -> None:
        self.identity = identity
        self.member = identity.public_key
        self.window = lan_tokens.window(time.time() if now is None else now)
        self.salt = lan_tokens.new_salt()
        self.held = {net: tuple(keys) for net, keys in held.items() if keys}
        served = list(self.held)[: lan_tokens.MAX_SLOTS]
        self.trust = frozenset(served)  # the networks served
        self.tokens = {
            net: lan_tokens.token(self.held[net][0], self.window, self.salt) for net in served
        }
        self.own: dict[str, Answer] = {}
        for net in served:
            credential, authorities = _credential(self.held[net], self.salt)
            context = lan.network_context(credential, authorities)
            self.own[self.tokens[net].hex()] = Answer(net, context, credential.der)
        self.answers = dict(self.own)
        if previous is not None:  # the advertisement just before: its names, not older
            for name, answer in previous.own.items():
                if answer.net in self.trust:
                    self.answers.setdefault(name, answer)
        self._chosen: weakref.WeakKeyDictionary[object, Answer] = weakref.WeakKeyDictionary()
        # Connections that began under the previous credentials finish their login here.
        self._earlier = None if previous is None else previous._chosen
        self._context = lan.server_context(self._choose, self._remember)
        self._clients: dict[tuple[bytes, bytes], Credentials] = {}
        self._keys = [k for keys in self.held.values() for k in keys]

    def txt(self, nets: Collection[bytes]) -> dict[str, bytes]:
        """The advertisement's TXT record, naming ``nets`` (of those served)."""
        tokens = [t for net, t in self.tokens.items() if net in nets]
        return {"v": b"1", "s": self.salt, "t": lan_tokens.advertised(tokens)}

    def keys(self) -> list[Key]:
        return self._keys

    def same_seeds(self, held: Mapping[bytes, Sequence[Key]]) -> bool:
        return {n: tuple(k) for n, k in held.items() if k} == self.held

    # -- relay.config.LanAccess -----------------------------------------------------------
    def context(self) -> ssl.SSLContext:
        return self._context

    def connection(self, ssl_object: object) -> tuple[bytes, bytes] | None:
        found = self._chosen.get(ssl_object)
        if found is None and self._earlier is not None:
            found = self._earlier.get(ssl_object)
        return None if found is None else (found.net, found.der)

    def sign(self, message: bytes) -> bytes:
        return self.identity.sign(message)

    def _choose(self, name: str) -> ssl.SSLContext | None:
        answer = self.answers.get(name)
        return None if answer is None else answer.context

    def _remember(self, connection: ssl.SSLObject, name: str) -> None:
        self._chosen[connection] = self.answers[name]

    # -- the connecting side --------------------------------------------------------------
    def credentials(self, net: bytes, salt: bytes) -> Credentials | None:
        """What we show on a link to the advertisement with ``salt`` for ``net``."""
        keys = self.held.get(net)
        if keys is None:
            return None
        found = self._clients.get((net, salt))
        if found is None:
            if len(self._clients) >= MAX_CLIENT_CREDENTIALS:
                self._clients.clear()
            credential, authorities = _credential(keys, salt)
            found = Credentials(lan.client_context(credential, authorities), credential.der)
            self._clients[(net, salt)] = found
        return found

    def own_name(self, net: bytes) -> str:
        """The name our own computer answers for ``net`` (the loopback link's)."""
        return self.tokens[net].hex()
