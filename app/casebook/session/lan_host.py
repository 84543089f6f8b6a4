"""This computer's LAN credentials for one window: the tokens it advertises, the
certificates it shows (one per network, under the network's LAN authority), and what
the accepting side needs to tell connections apart (:class:`casebook.relay.config.LanAccess`).

A :class:`LanHost` is made for one hour (``lan_tokens.window``) and for the seeds held
when it was made; the LAN service makes a new one every hour and whenever the seeds
change (a rotation), and keeps the previous one answering for a while so that a
colleague who read the previous advertisement still gets in.
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


@dataclass(frozen=True)
class NetworkTrust:
    """One network: our certificate under its newest authority, the authorities we
    accept (newest and previous epoch), and the contexts made of them."""

    net: bytes
    keys: tuple[Key, ...]
    credential: lan.Credential
    server: ssl.SSLContext
    client: ssl.SSLContext

    @classmethod
    def make(cls, net: bytes, keys: Sequence[Key]) -> NetworkTrust:
        authorities = [lan.Authority.from_secret(k.ca_secret()) for k in keys]
        credential = lan.issue(authorities[0])
        return cls(
            net,
            tuple(keys),
            credential,
            lan.network_context(credential, authorities),
            lan.client_context(credential, authorities),
        )

    def credentials(self) -> Credentials:
        return Credentials(self.client, self.credential.der)


class LanHost:
    """Implements the relay's ``LanAccess`` for one window, and gives the connecting
    side its credentials."""

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
        self.trust = {net: NetworkTrust.make(net, self.held[net]) for net in served}
        self.tokens = {
            net: lan_tokens.token(self.held[net][0], self.window, self.salt) for net in served
        }
        self.names: dict[str, bytes] = {t.hex(): net for net, t in self.tokens.items()}
        if previous is not None:  # still answer the names of the last advertisement
            for name, net in previous.names.items():
                if net in self.trust:
                    self.names.setdefault(name, net)
        self._chosen: weakref.WeakKeyDictionary[object, tuple[bytes, bytes]] = (
            weakref.WeakKeyDictionary()
        )
        # Connections that began under the previous credentials finish their login here.
        self._earlier = None if previous is None else previous._chosen
        self._context = lan.server_context(self._choose, self._remember)

    def txt(self, nets: Collection[bytes]) -> dict[str, bytes]:
        """The advertisement's TXT record, naming ``nets`` (of those served)."""
        tokens = [t for net, t in self.tokens.items() if net in nets]
        return {"v": b"1", "s": self.salt, "t": lan_tokens.advertised(tokens)}

    def keys(self) -> list[Key]:
        return [k for keys in self.held.values() for k in keys]

    def same_seeds(self, held: Mapping[bytes, Sequence[Key]]) -> bool:
        return {n: tuple(k) for n, k in held.items() if k} == self.held

    # -- relay.config.LanAccess -----------------------------------------------------------
    def context(self) -> ssl.SSLContext:
        return self._context

    def connection(self, ssl_object: object) -> tuple[bytes, bytes] | None:
        found = self._chosen.get(ssl_object)
        if found is None and self._earlier is not None:
            found = self._earlier.get(ssl_object)
        return found

    def sign(self, message: bytes) -> bytes:
        return self.identity.sign(message)

    def _choose(self, name: str) -> ssl.SSLContext | None:
        net = self.names.get(name)
        return None if net is None else self.trust[net].server

    def _remember(self, connection: ssl.SSLObject, name: str) -> None:
        net = self.names[name]
        self._chosen[connection] = (net, self.trust[net].credential.der)

    # -- the connecting side --------------------------------------------------------------
    def credentials(self, net: bytes) -> Credentials | None:
        trust = self.trust.get(net)
        return None if trust is None else trust.credentials()

    def own_name(self, net: bytes) -> str:
        """The name our own computer answers for ``net`` (the loopback link's)."""
        return self.tokens[net].hex()
