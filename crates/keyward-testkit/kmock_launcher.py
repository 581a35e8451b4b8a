"""A Kubernetes API emulator for keyward's tests: kmock's KubernetesEmulator on 127.0.0.1:PORT.

Usage: python kmock_launcher.py PORT

Registers the five keyward.io/v1alpha1 kinds and what the controller uses besides (the CRDs by
name, Leases, Events, Namespaces), pre-creates the five CRD objects, prints READY once listening and
serves until killed.

kmock 0.8 simplifies the API server: objects are stored as sent (no uid, generation or
creationTimestamp is assigned), PATCH of any kind is a recursive dict merge (also on /status), 404
answers say `Object Not Found` instead of `NotFound` (this launcher rewrites them to `NotFound`), and
it does not serve PUT at all; this launcher adds PUT on a named object as a replace, which is what a
Lease renewal needs.

resourceVersion, which kmock does not assign, is added here as an API server does it, because
watchers depend on it: kube-rs's watcher treats a watch event without `metadata.resourceVersion` as
an error and starts over with a new list and watch, and kmock's watch replays every object as ADDED,
so without versions every watcher of a kind with objects re-listed about once a second forever, and
a few controller processes kept the single-threaded emulator so busy that Lease renewals waited for
seconds. So:
- one counter for the whole server; every create, replace, patch and delete gives the object the
  next value (a deletion's DELETED event carries it too);
- a list answers the counter as its `metadata.resourceVersion`;
- a watch from a resourceVersion streams only what is newer: kmock's replay of the existing objects
  is filtered, so a watch started from a list's version replays nothing it already listed;
- a PUT carrying another `resourceVersion` than the stored one answers 409 Conflict (optimistic
  concurrency: several controller processes race for the same Lease), and a create of an existing
  Lease answers 409 with reason `AlreadyExists`.
"""

import asyncio
import sys

import aiohttp.web
from kmock import KubernetesEmulator, KubernetesNotFoundError, ResourceInfo, Server, method

GROUP = 'keyward.io/v1alpha1'
KINDS = {
    'peoplesources': 'PeopleSource',
    'applications': 'Application',
    'accesspolicies': 'AccessPolicy',
    'exceptions': 'Exception',
    'separationsofduties': 'SeparationOfDuties',
}
CRD = 'apiextensions.k8s.io/v1/customresourcedefinitions'
VERBS = {'get', 'list', 'watch', 'create', 'update', 'patch', 'delete'}


LEASES = 'leases'


def is_lease(resource) -> bool:
    return getattr(resource, 'plural', None) == LEASES


def conflict(reason: str, message: str):
    return aiohttp.web.json_response({
        'apiVersion': 'v1', 'kind': 'Status', 'metadata': {}, 'code': 409,
        'status': 'Failure', 'reason': reason, 'message': message,
    }, status=409)


def version_of(event) -> int:
    """The resourceVersion of a watch event's object as a number; 0 when it has none."""
    obj = event.get('object')
    meta = obj.get('metadata') if isinstance(obj, dict) else None
    rv = meta.get('resourceVersion', '') if isinstance(meta, dict) else ''
    return int(rv) if isinstance(rv, str) and rv.isdigit() else 0


class Emulator(KubernetesEmulator):
    # One counter for every write, like an API server's resourceVersion.
    _versions = 0

    def _next_version(self) -> str:
        Emulator._versions += 1
        return str(Emulator._versions)

    async def _render_error(self, exc):
        # kmock answers 404 with reasons like "Object Not Found"; clients (kube-rs `get_opt`)
        # recognise the API server's `NotFound`.
        if isinstance(exc, KubernetesNotFoundError):
            return aiohttp.web.json_response({
                'apiVersion': 'v1', 'kind': 'Status', 'metadata': {}, 'code': 404,
                'status': 'Failure', 'reason': 'NotFound', 'message': exc.message or repr(exc),
            }, status=404)
        return await super()._render_error(exc)

    async def _handle(self, request):
        if request.resource is None:
            return await super()._handle(request)
        if request.method == method.POST and isinstance(request.data, dict):
            meta = request.data.setdefault('metadata', {})
            key = (request.resource, request.namespace or meta.get('namespace'), meta.get('name'))
            async with self._lock:
                if is_lease(request.resource) and key in self._objects and not self._objects[key].deleted:
                    return conflict('AlreadyExists', f'leases "{meta.get("name")}" already exists')
                meta['resourceVersion'] = self._next_version()
            return await super()._handle(request)
        if request.method == method.PATCH and request.name is not None and isinstance(request.data, dict):
            # kmock merges the patch into the object: the new version goes in with it.
            request.data.setdefault('metadata', {})['resourceVersion'] = self._next_version()
            return await super()._handle(request)
        if request.method == method.DELETE and request.name is not None:
            key = (request.resource, request.namespace, request.name)
            async with self._lock:
                if key in self._objects and not self._objects[key].deleted:
                    # Stamped before kmock deletes it, so the DELETED event carries a new version.
                    self._objects[key].patch({'metadata': {'resourceVersion': self._next_version()}})
            return await super()._handle(request)
        if request.method == method.PUT and request.name is not None:
            key = (request.resource, request.namespace, request.name)
            async with self._lock:
                if key not in self._objects or self._objects[key].deleted:
                    return aiohttp.web.json_response({
                        'apiVersion': 'v1', 'kind': 'Status', 'metadata': {}, 'code': 404,
                        'status': 'Failure', 'reason': 'NotFound', 'message': f'{request.name} not found',
                    }, status=404)
                obj = self._objects[key]
                sent = (request.data.get('metadata') or {}).get('resourceVersion')
                stored = (obj.raw.get('metadata') or {}).get('resourceVersion')
                if sent and sent != stored:
                    return conflict('Conflict', f'Operation cannot be fulfilled on {request.resource.plural} '
                                    f'"{request.name}": the object has been modified; please apply your changes '
                                    'to the latest version and try again')
                request.data.setdefault('metadata', {})['resourceVersion'] = self._next_version()
                obj.delete()
                obj.create(request.data)
                raw = obj.raw
                await self._buses[request.resource].put({'type': 'MODIFIED', 'object': raw})
            return aiohttp.web.json_response(raw)
        return await super()._handle(request)

    async def _serve_list(self, request):
        payload = await super()._serve_list(request)
        # No await since the objects were read: the list is as of this version.
        payload['metadata'] = {'resourceVersion': str(Emulator._versions)}
        return payload

    async def _serve_watch(self, request):
        since = request.params.get('resourceVersion', '')
        floor = int(since) if since.isdigit() else 0
        async for item in super()._serve_watch(request):
            # kmock first replays every object it holds: what the client listed already is skipped.
            if floor and isinstance(item, dict) and version_of(item) <= floor:
                continue
            yield item


def register(emulator: Emulator) -> None:
    for plural, kind in KINDS.items():
        emulator.resources[f'{GROUP}/{plural}'] = ResourceInfo(
            namespaced=True, kind=kind, singular=kind.lower(), verbs=VERBS, subresources={'status'})
        name = f'{plural}.keyward.io'
        emulator.objects[CRD, None, name] = {
            'apiVersion': 'apiextensions.k8s.io/v1',
            'kind': 'CustomResourceDefinition',
            'metadata': {'name': name, 'resourceVersion': emulator._next_version()},
            'spec': {
                'group': 'keyward.io',
                'scope': 'Namespaced',
                'names': {'plural': plural, 'kind': kind, 'singular': kind.lower()},
                'versions': [{'name': 'v1alpha1', 'served': True, 'storage': True,
                              'subresources': {'status': {}}}],
            },
        }
    emulator.resources[CRD] = ResourceInfo(
        namespaced=False, kind='CustomResourceDefinition', singular='customresourcedefinition', verbs=VERBS)
    emulator.resources['coordination.k8s.io/v1/leases'] = ResourceInfo(
        namespaced=True, kind='Lease', singular='lease', verbs=VERBS)
    emulator.resources['events.k8s.io/v1/events'] = ResourceInfo(
        namespaced=True, kind='Event', singular='event', verbs=VERBS)
    emulator.resources['v1/events'] = ResourceInfo(namespaced=True, kind='Event', singular='event', verbs=VERBS)
    # Connector tokens the controller reads by name (`token.secret`).
    emulator.resources['v1/secrets'] = ResourceInfo(namespaced=True, kind='Secret', singular='secret', verbs=VERBS)
    emulator.resources['v1/namespaces'] = ResourceInfo(
        namespaced=False, kind='Namespace', singular='namespace', verbs=VERBS)


async def main(port: int) -> None:
    async with Emulator() as emulator, Server(emulator, port=port):
        register(emulator)
        print('READY', flush=True)
        await asyncio.Event().wait()


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1])))
