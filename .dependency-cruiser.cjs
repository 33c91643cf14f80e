/**
 * The import rules of docs/ARCHITECTURE.md ("Layers, and who may import whom"), checked by `npm run lint:deps`
 * and by test/unit/import-rules.test.ts.
 *
 * Each layer is a whitelist written as a forbidden rule: from the layer's folder, any import of one of our own
 * folders that is not the layer itself or one it may use is an error. So a new folder is forbidden until a rule
 * names it (see `server-folder-has-a-layer`), and the picture cannot drift silently.
 *
 * Type-only imports count (tsPreCompilationDeps): a type import still couples the layers.
 */

/** Our own code; everything else is node_modules or node core. */
const OWN = '^(server|signaling|recordings|client|test|bench)/';
const PROTOCOL = '^signaling/protocol/';
/** The agreement document's one Markdown parse, shared by the browser and the PDF (so the two cannot differ). */
const DOCUMENT = '^signaling/document/';
/** What other layers may know of the SFU: its interface, never an engine (mediasoup, or werift as the fallback; server/media/select.ts chooses). */
const MEDIA_INTERFACE = '^server/media/engine[.]ts$';
const WIRING = '^server/(main|wiring|demo)[.]ts$|^server/cli/';
const LAYERS = ['config', 'lib', 'auth', 'cases', 'store', 'http', 'hearings', 'media', 'documents', 'signing', 'court', 'pad', 'recordings', 'privacy'];

/** `from` may import its own folder and the listed folders (regexes), nothing else of ours. */
function layer(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: { path: OWN, pathNot: [from, ...allowed] },
  };
}
const server = (...names) => names.map((n) => `^server/${n}/`);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // ---- the shared vocabulary: used by the browser too, so no node core and no npm package but zod
    layer('protocol-imports-nothing-internal', PROTOCOL, [], 'signaling/protocol is shared with the browser and depends on nothing of ours.'),
    {
      name: 'protocol-only-zod',
      comment: 'signaling/protocol is bundled into the client: zod is its only package, node core is off limits.',
      severity: 'error',
      from: { path: PROTOCOL },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/zod/' },
    },

    // ---- the agreement's document structure: bundled into the client and used by the PDF layout
    layer('document-imports-nothing-internal', DOCUMENT, [], 'signaling/document (the agreement Markdown parse) is shared by the browser and server/documents and depends on nothing of ours.'),
    {
      name: 'document-only-markdown-it',
      comment: 'signaling/document is bundled into the client: markdown-it is its only package, node core is off limits.',
      severity: 'error',
      from: { path: DOCUMENT },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], pathNot: ['^node_modules/markdown-it/', '^node_modules/@types/markdown-it/'] },
    },

    // ---- server layers, bottom up
    layer('config-imports-only-protocol', '^server/config/', [PROTOCOL], 'server/config reads the environment and depends on nothing of ours.'),
    layer('lib-imports-only-protocol', '^server/lib/', [PROTOCOL], 'server/lib (logger, errors, ids) may use the protocol error codes, nothing else of ours.'),
    layer('store-imports-lib-config', '^server/store/', server('lib', 'config'), 'server/store is below the domain: it must not know cases, auth or http.'),
    layer('auth-imports-lib-config-protocol', '^server/auth/', [...server('lib', 'config'), PROTOCOL], 'server/auth (tokens, grants, permissions) depends on lib, config and the protocol only.'),
    layer('cases-imports-lib-store-protocol', '^server/cases/', [...server('lib', 'store'), PROTOCOL], 'server/cases is the domain: it uses the store and lib, never auth or http (permission checks happen above it).'),
    layer('http-imports-auth-cases-documents-signing-court-pad-recordings-lib-config-protocol', '^server/http/', [...server('auth', 'cases', 'documents', 'signing', 'court', 'lib', 'config', 'pad', 'recordings', 'privacy'), PROTOCOL], 'server/http reaches the database only through the domain services (no server/store), and is reached only from the wiring.'),
    layer('hearings-imports-lib-cases-media-interface-protocol', '^server/hearings/', [...server('lib', 'auth', 'cases'), MEDIA_INTERFACE, PROTOCOL], 'server/hearings: lib, the access policy (server/auth, issue 12), cases and the media interface (server/media/engine.ts), never an engine implementation.'),
    layer('media-imports-lib-config-protocol', '^server/media/', [...server('lib', 'config'), PROTOCOL], 'server/media (the SFU) knows nothing of cases, hearings or storage.'),
    layer('signing-imports-lib-cases-store-documents-protocol', '^server/signing/', [...server('lib', 'cases', 'store', 'documents'), PROTOCOL], 'server/signing (signing ceremony, seal): lib, cases, store, and the documents layer for PDFs and certificates; the pad only through the AgreementSource shape passed in by the wiring.'),
    layer('court-imports-lib-cases-store-signing-protocol', '^server/court/', [...server('lib', 'cases', 'store', 'signing'), PROTOCOL], 'server/court (judicial confirmation): lib, cases, store and signing.'),
    layer('documents-imports-lib-store-cases-protocol', '^server/documents/', [...server('lib', 'store', 'cases'), PROTOCOL, DOCUMENT], 'server/documents (PDF rendering, organisation certificates, PAdES signing, verification): lib, store, cases, protocol, and signaling/document for the agreement\'s parsed Markdown.'),
    layer('pad-imports-lib-auth-cases-store-protocol', '^server/pad/', [...server('lib', 'auth', 'cases', 'store'), PROTOCOL], 'server/pad (drafting pad: agreements, Yjs documents, templates, lock for signature): lib, auth (token checks), cases, store.'),
    layer('signaling-gateway-no-store-media', '^signaling/(?!protocol/|document/)', ['^signaling/', ...server('lib', 'config', 'auth', 'cases', 'hearings', 'pad')], 'The socket.io gateway calls the domain modules, never the media engine or the storage directly.'),
    layer('server-recordings-imports-lib-config-cases-store-hearings-media-interface-protocol-recordings', '^server/recordings/', [...server('lib', 'config', 'cases', 'store', 'hearings'), MEDIA_INTERFACE, PROTOCOL, '^recordings/'], 'server/recordings: the recording service of the case file (store, audit) behind the live hearing\'s RecordingBackend; runs the recordings/ pipeline.'),
    layer('privacy-imports-lib-config-store-cases-recordings-signing-protocol', '^server/privacy/', [...server('lib', 'config', 'store', 'cases', 'recordings', 'signing'), PROTOCOL], 'server/privacy (issue 12: retention schedules, the retention run, personal-data exports): its own table through the store; the data of other layers only through their services (cases, recordings, signing for the sealed agreement).'),
    layer('recordings-imports-lib-config-media-interface-protocol', '^recordings/', [...server('lib', 'config'), MEDIA_INTERFACE, PROTOCOL], 'recordings/ uses server/lib, server/config, the media interface (server/media/engine.ts) and the protocol.'),
    {
      name: 'server-folder-has-a-layer',
      comment: `Every folder under server/ must be a layer with a rule here (${LAYERS.join(', ')}, cli); add its rule when you add the folder.`,
      severity: 'error',
      from: { path: '^server/', pathNot: [...server(...LAYERS), WIRING] },
      to: { path: OWN },
    },

    // ---- the browser app: its own files and the shared protocol, nothing from the server side
    layer('client-imports-only-protocol', '^client/', ['^signaling/protocol/', DOCUMENT], 'client/ may import signaling/protocol, signaling/document (the agreement parse the PDF uses too) and its own files, never server/ (it is a separate bundle).'),
    {
      name: 'client-no-node-core',
      comment: 'client/src runs in the browser: no node core modules.',
      severity: 'error',
      from: { path: '^client/src/' },
      to: { dependencyTypes: ['core'] },
    },

    // ---- everywhere
    {
      name: 'nothing-imports-test',
      comment: 'test/ may import anything; nothing may import test/.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles. Cycles made only of `import type` edges vanish at run time and are allowed (i18n catalogues typing themselves against their index).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'server-not-to-unresolvable',
      comment: 'An import that does not resolve hides edges from these rules (and fails at run time).',
      severity: 'error',
      from: { path: '^(server|signaling|recordings)/' },
      to: { couldNotResolve: true },
    },
    {
      // The client is written concurrently and vite/tsc report its missing files; a warning keeps lint:deps green meanwhile.
      name: 'client-not-to-unresolvable',
      severity: 'warn',
      from: { path: '^client/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'Every package we import is declared in package.json.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'server-not-to-dev-dep',
      comment: 'The server runs with production dependencies only (`npm ci --omit=dev`): no devDependencies at run time.',
      severity: 'error',
      from: { path: '^(server|signaling|recordings)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // A work tree whose node_modules is a symlink (git worktrees sharing one install) keeps `node_modules/...` paths,
    // so the package rules read the same there as in a plain checkout.
    preserveSymlinks: true,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts', '.mjs', '.cjs', '.mts', '.cts', '.jsx'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
