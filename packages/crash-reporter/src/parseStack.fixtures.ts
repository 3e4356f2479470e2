/**
 * The corpus `parseStack` is held to: real `error.stack` strings, newest frame first, each with the frames a
 * developer should see. Most are transcribed from the public fixture sets of other stack parsers (the peers
 * the issue measured), which captured them from the engines named; `captured` ones were printed here by
 * Chromium and Node (and are asserted live in `parseStack.chromium.test.ts` and `parseStack.wasm.test.ts`);
 * `marco` cases are wasm frames written from each engine's syntax for the symbols Marco's Rust/C++ core carries.
 */

/** `[function, file, line?, column?, functionIndex?, offset?]`, as `parseStack` should return it. */
export type ExpectedFrame = readonly [
  fn: string,
  file: string,
  line?: number,
  column?: number,
  functionIndex?: number,
  offset?: string,
]

export interface StackCase {
  /** The engine (and version) that printed the stack. */
  readonly engine: string
  /** Where the trace was published: `esp` error-stack-parser's fixtures, `sentry` the Sentry browser SDK's tracekit
   * tests,
   * `captured` printed by Debian's Chromium 156 or this Node in `parseStack.chromium.test.ts` /
   * `parseStack.wasm.test.ts`
   * (the port made 8000), `marco` written from each engine's syntax. */
  readonly source: 'esp' | 'sentry' | 'captured' | 'marco'
  readonly stack: string
  readonly frames: readonly ExpectedFrame[]
}

const u = undefined
const FILE = 'http://path/to/file.js'
const L8080 = 'http://localhost:8080/file.js'
const L5000 = 'http://localhost:5000/'
const L5000_TEST = 'http://localhost:5000/test'
const BLOB_A = 'blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379'
const RN = 'index.android.bundle'
const RR = '/home/username/sample-workspace/sampleapp.collect.react/'
const RECONCILER = RR + 'node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/'
const AT_STUFF = 'http://localhost:5000/misc/@stuff/foo.js'
const MAIN_WASM = 'http://localhost:8001/main.wasm'
const EXPO =
  '/data/user/0/com.sentrytest/files/.expo-internal/bundle-613EDD44F3305B9D75D4679663900F2BCDDDC326F247CA3202A3A4219FD412D3'
const SAFARI_EXT = '//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/'
const GRAMMARLY = 'safari-extension://com.grammarly.safari.extension.ext2-W8F64X92K3/ee7759dd/Grammarly.js'
const CONTENT_SCRIPT = 'safari-web-extension://46434E60-F5BD-48A4-80C8-A422C5D16897/scripts/content-script.js'
const CORE_WASM = 'https://app.example/marco_core_bg.wasm'
const LOCAL = 'http://127.0.0.1:8000'
const APP_JS = LOCAL + '/app.js'
const NAMES_WASM = LOCAL + '/names.wasm'

/** Demangled symbols as Rust and Emscripten/C++ name sections carry them. */
export const WASM_SYMBOLS = {
  drop: '<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop',
  slice: '<[T] as core::slice::sort::stable::BufGuard<T>>::with_capacity',
  invoke:
    'emscripten::internal::MethodInvoker<int (MyClass::*)(int) const, int, MyClass const*, int>::invoke(int (MyClass::* const&)(int) const, MyClass const*, int)',
  closure: 'marco_core::canvas::Stroke::commit::{{closure}}',
} as const
const S = WASM_SYMBOLS

export const STACK_CASES: readonly StackCase[] = [
  // ---- V8: Chrome, Opera, Edge (Chromium), Node, Electron, React Native on V8 ----
  {
    engine: 'Chrome 15',
    source: 'sentry',
    stack:
      "TypeError: Object #<Object> has no method 'undef'\n    at bar (http://path/to/file.js:13:17)\n    at bar (http://path/to/file.js:16:5)\n    at foo (http://path/to/file.js:20:5)\n    at http://path/to/file.js:24:4",
    frames: [
      ['bar', FILE, 13, 17],
      ['bar', FILE, 16, 5],
      ['foo', FILE, 20, 5],
      ['?', FILE, 24, 4],
    ],
  },
  {
    engine: 'Chrome 36',
    source: 'sentry',
    stack:
      'Error: Default error\n    at dumpExceptionError (http://localhost:8080/file.js:41:27)\n    at HTMLButtonElement.onclick (http://localhost:8080/file.js:107:146)\n    at I.e.fn.(anonymous function) [as index] (http://localhost:8080/file.js:10:3651)',
    frames: [
      ['dumpExceptionError', L8080, 41, 27],
      ['HTMLButtonElement.onclick', L8080, 107, 146],
      ['I.e.fn.(anonymous function) [as index]', L8080, 10, 3651],
    ],
  },
  {
    engine: 'Chrome 46',
    source: 'esp',
    stack:
      'Error: Default error\n    at new CustomError (http://localhost:8080/file.js:41:27)\n    at HTMLButtonElement.onclick (http://localhost:8080/file.js:107:146)',
    frames: [
      ['new CustomError', L8080, 41, 27],
      ['HTMLButtonElement.onclick', L8080, 107, 146],
    ],
  },
  {
    engine: 'Chrome, webpack devtool: eval (webpack:///…? URLs, no space before the parenthesis)',
    source: 'sentry',
    stack:
      "TypeError: Cannot read property 'error' of undefined\n   at TESTTESTTEST.eval(webpack:///./src/components/test/test.jsx?:295:108)\n   at TESTTESTTEST.render(webpack:///./src/components/test/test.jsx?:272:32)\n   at TESTTESTTEST.tryRender(webpack:///./~/react-transform-catch-errors/lib/index.js?:34:31)\n   at TESTTESTTEST.proxiedMethod(webpack:///./~/react-proxy/modules/createPrototypeProxy.js?:44:30)",
    frames: [
      ['TESTTESTTEST.eval', 'webpack:///./src/components/test/test.jsx?', 295, 108],
      ['TESTTESTTEST.render', 'webpack:///./src/components/test/test.jsx?', 272, 32],
      ['TESTTESTTEST.tryRender', 'webpack:///./~/react-transform-catch-errors/lib/index.js?', 34, 31],
      ['TESTTESTTEST.proxiedMethod', 'webpack:///./~/react-proxy/modules/createPrototypeProxy.js?', 44, 30],
    ],
  },
  {
    engine: 'Chrome 48, nested eval',
    source: 'esp',
    stack:
      'Error: message string\nat baz (eval at foo (eval at speak (http://localhost:8080/file.js:21:17)), <anonymous>:1:30)\nat foo (eval at speak (http://localhost:8080/file.js:21:17), <anonymous>:2:96)\nat eval (eval at speak (http://localhost:8080/file.js:21:17), <anonymous>:4:18)\nat Object.speak (http://localhost:8080/file.js:21:17)\nat http://localhost:8080/file.js:31:13\n',
    frames: [
      ['baz', L8080, 21, 17],
      ['foo', L8080, 21, 17],
      ['eval', L8080, 21, 17],
      ['Object.speak', L8080, 21, 17],
      ['?', L8080, 31, 13],
    ],
  },
  {
    engine: 'Chrome 48, blob: URLs',
    source: 'sentry',
    stack:
      'Error: test\n    at Error (native)\n    at s (blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379:31:29146)\n    at Object.d [as add] (blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379:31:30039)\n    at blob:http%3A//localhost%3A8080/d4eefe0f-361a-4682-b217-76587d9f712a:15:10978\n    at blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379:1:6911\n    at n.fire (blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379:7:3019)\n    at n.handle (blob:http%3A//localhost%3A8080/abfc40e9-4742-44ed-9dcd-af8f99a29379:7:2863)',
    frames: [
      ['Error', 'native'],
      ['s', BLOB_A, 31, 29146],
      ['Object.d [as add]', BLOB_A, 31, 30039],
      ['?', 'blob:http%3A//localhost%3A8080/d4eefe0f-361a-4682-b217-76587d9f712a', 15, 10978],
      ['?', BLOB_A, 1, 6911],
      ['n.fire', BLOB_A, 7, 3019],
      ['n.handle', BLOB_A, 7, 2863],
    ],
  },
  {
    engine: 'Chromium Embedded Framework, custom scheme',
    source: 'sentry',
    stack: 'Error: message string\n            at examplescheme://examplehost/cd351f7250857e22ceaa.worker.js:70179:15',
    frames: [['?', 'examplescheme://examplehost/cd351f7250857e22ceaa.worker.js', 70179, 15]],
  },
  {
    engine: 'Chrome, no location',
    source: 'sentry',
    stack: 'error\n at Array.forEach (native)',
    frames: [['Array.forEach', 'native']],
  },
  {
    engine: 'Chrome 73, native frames',
    source: 'sentry',
    stack:
      'Error: test\n          at fooIterator (http://localhost:5000/test:20:17)\n          at Array.map (<anonymous>)\n          at foo (http://localhost:5000/test:19:19)\n          at http://localhost:5000/test:24:7',
    frames: [
      ['fooIterator', L5000_TEST, 20, 17],
      ['Array.map', '<anonymous>'],
      ['foo', L5000_TEST, 19, 19],
      ['?', L5000_TEST, 24, 7],
    ],
  },
  {
    engine: 'Chrome 73, eval',
    source: 'sentry',
    stack:
      'Error: bad\n          at Object.aha (http://localhost:5000/:19:13)\n          at callAnotherThing (http://localhost:5000/:20:16)\n          at Object.callback (http://localhost:5000/:25:7)\n          at http://localhost:5000/:34:17\n          at Array.map (<anonymous>)\n          at test (http://localhost:5000/:33:23)\n          at eval (eval at aha (http://localhost:5000/:37:5), <anonymous>:1:1)\n          at aha (http://localhost:5000/:39:5)\n          at Foo.testMethod (http://localhost:5000/:44:7)\n          at http://localhost:5000/:50:19',
    frames: [
      ['Object.aha', L5000, 19, 13],
      ['callAnotherThing', L5000, 20, 16],
      ['Object.callback', L5000, 25, 7],
      ['?', L5000, 34, 17],
      ['Array.map', '<anonymous>'],
      ['test', L5000, 33, 23],
      ['eval', L5000, 37, 5],
      ['aha', L5000, 39, 5],
      ['Foo.testMethod', L5000, 44, 7],
      ['?', L5000, 50, 19],
    ],
  },
  {
    engine: 'Chrome 109, async URL',
    source: 'sentry',
    stack:
      'Error: bad\n          at callAnotherThing (http://localhost:5000/:20:16)\n          at Object.callback (async http://localhost:5000/:25:7)\n          at test (http://localhost:5000/:33:23)',
    frames: [
      ['callAnotherThing', L5000, 20, 16],
      ['Object.callback', L5000, 25, 7],
      ['test', L5000, 33, 23],
    ],
  },
  {
    engine: 'Chrome, dev server frames without full paths',
    source: 'sentry',
    stack:
      'Error\n      at Client.requestPromise (api.tsx:554:1)\n      at doDiscoverQuery (genericDiscoverQuery.tsx?33f8:328:1)\n      at _GenericDiscoverQuery.eval [as fetchData] (genericDiscoverQuery.tsx?33f8:256:1)\n      at _GenericDiscoverQuery.componentDidMount (genericDiscoverQuery.tsx?33f8:152:1)\n      at commitLifeCycles (react-dom.development.js?f8c1:20663:1)\n      at commitLayoutEffects (react-dom.development.js?f8c1:23426:1)',
    frames: [
      ['Client.requestPromise', 'api.tsx', 554, 1],
      ['doDiscoverQuery', 'genericDiscoverQuery.tsx?33f8', 328, 1],
      ['_GenericDiscoverQuery.eval [as fetchData]', 'genericDiscoverQuery.tsx?33f8', 256, 1],
      ['_GenericDiscoverQuery.componentDidMount', 'genericDiscoverQuery.tsx?33f8', 152, 1],
      ['commitLifeCycles', 'react-dom.development.js?f8c1', 20663, 1],
      ['commitLayoutEffects', 'react-dom.development.js?f8c1', 23426, 1],
    ],
  },
  {
    engine: 'Chrome, parentheses and brackets in URLs',
    source: 'sentry',
    stack:
      'Error: bad\n          at something (http://localhost:5000/(some)/(thing)/index.html:20:16)\n          at http://localhost:5000/(group)/[route]/script.js:1:126\n          at more (http://localhost:5000/(some)/(thing)/index.html:25:7)',
    frames: [
      ['something', 'http://localhost:5000/(some)/(thing)/index.html', 20, 16],
      ['?', 'http://localhost:5000/(group)/[route]/script.js', 1, 126],
      ['more', 'http://localhost:5000/(some)/(thing)/index.html', 25, 7],
    ],
  },
  {
    engine: 'Chrome, Emscripten wasm with demangled C++ names',
    source: 'sentry',
    stack: `RuntimeError: memory access out of bounds
      at MyClass::bar(int) const (http://localhost:8001/main.wasm:wasm-function[190]:0x5aeb)
      at MyClass::foo(int) const (http://localhost:8001/main.wasm:wasm-function[186]:0x5637)
      at MyClass::getAt(int) const (http://localhost:8001/main.wasm:wasm-function[182]:0x540b)
      at emscripten::internal::MethodInvoker<int (MyClass::*)(int) const, int, MyClass const*, int>::invoke(int (MyClass::* const&)(int) const, MyClass const*, int) (http://localhost:8001/main.wasm:wasm-function[152]:0x47df)
      at ClassHandle.MyClass$getAt [as getAt] (eval at newFunc (http://localhost:8001/main.js:2201:27), <anonymous>:9:10)
      at myFunctionVectorOutOfBounds (http://localhost:8001/main.html:18:22)
      at captureError (http://localhost:8001/main.html:27:11)
      at Object.onRuntimeInitialized (http://localhost:8001/main.html:39:9)
      at doRun (http://localhost:8001/main.js:7084:71)
      at run (http://localhost:8001/main.js:7101:5)`,
    frames: [
      ['MyClass::bar(int) const', MAIN_WASM, u, u, 190, '0x5aeb'],
      ['MyClass::foo(int) const', MAIN_WASM, u, u, 186, '0x5637'],
      ['MyClass::getAt(int) const', MAIN_WASM, u, u, 182, '0x540b'],
      [S.invoke, MAIN_WASM, u, u, 152, '0x47df'],
      ['ClassHandle.MyClass$getAt [as getAt]', 'http://localhost:8001/main.js', 2201, 27],
      ['myFunctionVectorOutOfBounds', 'http://localhost:8001/main.html', 18, 22],
      ['captureError', 'http://localhost:8001/main.html', 27, 11],
      ['Object.onRuntimeInitialized', 'http://localhost:8001/main.html', 39, 9],
      ['doRun', 'http://localhost:8001/main.js', 7084, 71],
      ['run', 'http://localhost:8001/main.js', 7101, 5],
    ],
  },
  {
    engine: 'Node, data: URL module and async frames',
    source: 'sentry',
    stack: `Error: Error from data-uri module
                at dynamicFn (data:application/javascript,export function dynamicFn() {  throw new Error('Error from data-uri module');};:1:38)
                at loadDodgyModule (file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs:8:5)
                at async callSomeFunction (file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs:12:5)
                at async file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs:16:5`,
    frames: [
      [
        'dynamicFn',
        "data:application/javascript,export function dynamicFn() {  throw new Error('Error from data-uri module');};",
        1,
        38,
      ],
      ['loadDodgyModule', 'file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs', 8, 5],
      ['callSomeFunction', 'file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs', 12, 5],
      ['?', 'file:///Users/tim/Documents/Repositories/data-uri-tests/index.mjs', 16, 5],
    ],
  },
  {
    engine: 'Node, paths with spaces',
    source: 'esp',
    stack:
      'Error\n     at /var/app/scratch/my project/index.js:2:9\n    at Object.<anonymous> (/var/app/scratch/my project/index.js:2:9)\n    at Module._compile (internal/modules/cjs/loader.js:774:30)\n    at Object.Module._extensions..js (internal/modules/cjs/loader.js:785:10)\n    at Module.load (internal/modules/cjs/loader.js:641:32)\n    at Function.Module._load (internal/modules/cjs/loader.js:556:12)\n    at Function.Module.runMain (internal/modules/cjs/loader.js:837:10)\n    at internal/main/run_main_module.js:17:11',
    frames: [
      ['?', '/var/app/scratch/my project/index.js', 2, 9],
      ['Object.<anonymous>', '/var/app/scratch/my project/index.js', 2, 9],
      ['Module._compile', 'internal/modules/cjs/loader.js', 774, 30],
      ['Object.Module._extensions..js', 'internal/modules/cjs/loader.js', 785, 10],
      ['Module.load', 'internal/modules/cjs/loader.js', 641, 32],
      ['Function.Module._load', 'internal/modules/cjs/loader.js', 556, 12],
      ['Function.Module.runMain', 'internal/modules/cjs/loader.js', 837, 10],
      ['?', 'internal/main/run_main_module.js', 17, 11],
    ],
  },
  {
    engine: 'Chrome, a 5 KB message line before the frames (Vite dev server)',
    source: 'esp',
    stack: `TransactionExecutionError: User rejected the request.

Request Arguments:
  from:   0xB770B86b1544eDf51BBf82Dd01e8e867607Dba51
  data:   0x90411a32${'0'.repeat(5000)}
  gas:    467935

Details: MetaMask Tx Signature: User denied transaction signature.
Version: viem@2.22.11
    at getTransactionError (http://localhost:5173/node_modules/.vite/deps/chunk-RH76XVE4.js?v=3214fecf:1619:10)
    at sendTransaction (http://localhost:5173/node_modules/.vite/deps/chunk-RH76XVE4.js?v=3214fecf:1750:11)
    at async Object.executeTxn (http://localhost:5173/src/app/hooks/useSwapRouter.tsx?t=1737523345399:450:24)`,
    frames: [
      ['getTransactionError', 'http://localhost:5173/node_modules/.vite/deps/chunk-RH76XVE4.js?v=3214fecf', 1619, 10],
      ['sendTransaction', 'http://localhost:5173/node_modules/.vite/deps/chunk-RH76XVE4.js?v=3214fecf', 1750, 11],
      ['Object.executeTxn', 'http://localhost:5173/src/app/hooks/useSwapRouter.tsx?t=1737523345399', 450, 24],
    ],
  },
  {
    engine: 'Opera 25',
    source: 'esp',
    stack:
      "TypeError: Cannot read property 'undef' of null\n    at http://path/to/file.js:47:22\n    at foo (http://path/to/file.js:52:15)\n    at bar (http://path/to/file.js:108:168)",
    frames: [
      ['?', FILE, 47, 22],
      ['foo', FILE, 52, 15],
      ['bar', FILE, 108, 168],
    ],
  },
  {
    engine: 'Electron renderer, Windows path',
    source: 'sentry',
    stack:
      "TypeError: Cannot read property 'error' of undefined\n            at TESTTESTTEST.someMethod (C:\\Users\\user\\path\\to\\file.js:295:108)",
    frames: [['TESTTESTTEST.someMethod', 'C:\\Users\\user\\path\\to\\file.js', 295, 108]],
  },
  {
    engine: 'Chrome, React production build',
    source: 'sentry',
    stack:
      'Error: Minified React error #200; visit https://reactjs.org/docs/error-decoder.html?invariant=200 for the full message or use the non-minified dev environment for full errors and additional helpful warnings.\n        at http://localhost:5000/static/js/foo.chunk.js:1:21738\n        at a (http://localhost:5000/static/js/foo.chunk.js:1:21841)\n        at ho (http://localhost:5000/static/js/foo.chunk.js:1:68735)\n        at f (http://localhost:5000/:1:980)',
    frames: [
      ['?', 'http://localhost:5000/static/js/foo.chunk.js', 1, 21738],
      ['a', 'http://localhost:5000/static/js/foo.chunk.js', 1, 21841],
      ['ho', 'http://localhost:5000/static/js/foo.chunk.js', 1, 68735],
      ['f', L5000, 1, 980],
    ],
  },
  {
    engine: 'PhantomJS 1.19 (no columns)',
    source: 'sentry',
    stack:
      'Error: foo\n    at file:///path/to/file.js:878\n    at foo (http://path/to/file.js:4283)\n    at http://path/to/file.js:4287',
    frames: [
      ['?', 'file:///path/to/file.js', 878],
      ['foo', FILE, 4283],
      ['?', FILE, 4287],
    ],
  },
  {
    engine: 'React Native on V8 (no space before the parenthesis)',
    source: 'sentry',
    stack:
      'Error: Manually triggered crash to test Sentry reporting\n          at Object.onPress(index.android.bundle:2342:3773)\n          at s.touchableHandlePress(index.android.bundle:214:2048)\n          at s._performSideEffectsForTransition(index.android.bundle:198:9608)\n          at s._receiveSignal(index.android.bundle:198:8309)\n          at s.touchableHandleResponderRelease(index.android.bundle:198:5615)\n          at Object.y(index.android.bundle:93:571)\n          at P(index.android.bundle:93:714)',
    frames: [
      ['Object.onPress', RN, 2342, 3773],
      ['s.touchableHandlePress', RN, 214, 2048],
      ['s._performSideEffectsForTransition', RN, 198, 9608],
      ['s._receiveSignal', RN, 198, 8309],
      ['s.touchableHandleResponderRelease', RN, 198, 5615],
      ['Object.y', RN, 93, 571],
      ['P', RN, 93, 714],
    ],
  },
  {
    engine: 'React Native on Android, development',
    source: 'sentry',
    stack:
      'Error: test\nat render(/home/username/sample-workspace/sampleapp.collect.react/src/components/GpsMonitorScene.js:78:24)\nat _renderValidatedComponentWithoutOwnerOrContext(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactCompositeComponent.js:1050:29)\nat _renderValidatedComponent(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactCompositeComponent.js:1075:15)\nat renderedElement(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactCompositeComponent.js:484:29)\nat _currentElement(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactCompositeComponent.js:346:40)\nat child(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactReconciler.js:68:25)\nat children(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/shared/stack/reconciler/ReactMultiChild.js:264:10)\nat this(/home/username/sample-workspace/sampleapp.collect.react/node_modules/react-native/Libraries/Renderer/src/renderers/native/ReactNativeBaseComponent.js:74:41)\n',
    frames: [
      ['render', RR + 'src/components/GpsMonitorScene.js', 78, 24],
      ['_renderValidatedComponentWithoutOwnerOrContext', RECONCILER + 'ReactCompositeComponent.js', 1050, 29],
      ['_renderValidatedComponent', RECONCILER + 'ReactCompositeComponent.js', 1075, 15],
      ['renderedElement', RECONCILER + 'ReactCompositeComponent.js', 484, 29],
      ['_currentElement', RECONCILER + 'ReactCompositeComponent.js', 346, 40],
      ['child', RECONCILER + 'ReactReconciler.js', 68, 25],
      ['children', RECONCILER + 'ReactMultiChild.js', 264, 10],
      [
        'this',
        RR + 'node_modules/react-native/Libraries/Renderer/src/renderers/native/ReactNativeBaseComponent.js',
        74,
        41,
      ],
    ],
  },
  {
    engine: 'Hermes (React Native on Android)',
    source: 'sentry',
    stack:
      'at onPress (address at index.android.bundle:1:452701)\nat anonymous (address at index.android.bundle:1:224280)\nat _performSideEffectsForTransition (address at index.android.bundle:1:230843)\nat _receiveSignal (native)\nat touchableHandleResponderRelease (native)\nat onResponderRelease (native)\nat apply (native)\nat b (address at index.android.bundle:1:74037)\nat apply (native)\nat k (address at index.android.bundle:1:74094)\nat apply (native)\nat C (address at index.android.bundle:1:74126)\nat N (address at index.android.bundle:1:74267)\nat A (address at index.android.bundle:1:74709)\nat forEach (native)\nat z (address at index.android.bundle:1:74642)\nat anonymous (address at index.android.bundle:1:77747)\nat _e (address at index.android.bundle:1:127755)\nat Ne (address at index.android.bundle:1:77238)\nat Ue (address at index.android.bundle:1:77571)\nat receiveTouches (address at index.android.bundle:1:122512)\nat apply (native)\nat value (address at index.android.bundle:1:33176)\nat anonymous (address at index.android.bundle:1:31603)\nat value (address at index.android.bundle:1:32776)\nat value (address at index.android.bundle:1:31561)',
    frames: [
      ['onPress', RN, 1, 452701],
      ['anonymous', RN, 1, 224280],
      ['_performSideEffectsForTransition', RN, 1, 230843],
      ['_receiveSignal', 'native'],
      ['touchableHandleResponderRelease', 'native'],
      ['onResponderRelease', 'native'],
      ['apply', 'native'],
      ['b', RN, 1, 74037],
      ['apply', 'native'],
      ['k', RN, 1, 74094],
      ['apply', 'native'],
      ['C', RN, 1, 74126],
      ['N', RN, 1, 74267],
      ['A', RN, 1, 74709],
      ['forEach', 'native'],
      ['z', RN, 1, 74642],
      ['anonymous', RN, 1, 77747],
      ['_e', RN, 1, 127755],
      ['Ne', RN, 1, 77238],
      ['Ue', RN, 1, 77571],
      ['receiveTouches', RN, 1, 122512],
      ['apply', 'native'],
      ['value', RN, 1, 33176],
      ['anonymous', RN, 1, 31603],
      ['value', RN, 1, 32776],
      ['value', RN, 1, 31561],
    ],
  },
  {
    engine: 'Safari extension frames as a V8-style report prints them',
    source: 'sentry',
    stack:
      'Error: wat\n      at ClipperError@safari-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js:223036:10)\n      at safari-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/topee-content.js:3313:26)',
    frames: [
      ['ClipperError', 'safari-extension:' + SAFARI_EXT + 'commons.js', 223036, 10],
      ['?', 'safari-extension:' + SAFARI_EXT + 'topee-content.js', 3313, 26],
    ],
  },
  {
    engine: 'Safari web extension frames as a V8-style report prints them',
    source: 'sentry',
    stack:
      'Error: wat\n      at ClipperError@safari-web-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/commons.js:223036:10)\n      at safari-web-extension:(//3284871F-A480-4FFC-8BC4-3F362C752446/2665fee0/topee-content.js:3313:26)',
    frames: [
      ['ClipperError', 'safari-web-extension:' + SAFARI_EXT + 'commons.js', 223036, 10],
      ['?', 'safari-web-extension:' + SAFARI_EXT + 'topee-content.js', 3313, 26],
    ],
  },

  // ---- Edge legacy (EdgeHTML) and Internet Explorer 10-11 ----
  {
    engine: 'Edge 20, nested eval',
    source: 'esp',
    stack:
      'Error: message string\n  at baz (eval code:1:18)\n  at foo (eval code:2:90)\n  at eval code (eval code:4:18)\n  at speak (http://localhost:8080/file.js:25:17)\n  at Global code (http://localhost:8080/file.js:32:9)',
    frames: [
      ['baz', 'eval code', 1, 18],
      ['foo', 'eval code', 2, 90],
      ['eval code', 'eval code', 4, 18],
      ['speak', L8080, 25, 17],
      ['Global code', L8080, 32, 9],
    ],
  },
  {
    engine: 'Edge 44, native frames',
    source: 'sentry',
    stack:
      'Error: test\n            at fooIterator (http://localhost:5000/test:20:11)\n            at Array.prototype.map (native code)\n            at foo (http://localhost:5000/test:19:9)\n            at Global code (http://localhost:5000/test:24:7)',
    frames: [
      ['fooIterator', L5000_TEST, 20, 11],
      ['Array.prototype.map', 'native code'],
      ['foo', L5000_TEST, 19, 9],
      ['Global code', L5000_TEST, 24, 7],
    ],
  },
  {
    engine: 'Edge 44, eval',
    source: 'sentry',
    stack:
      'Error: bad\n            at aha (http://localhost:5000/:19:7)\n            at callAnotherThing (http://localhost:5000/:18:6)\n            at callback (http://localhost:5000/:25:7)\n            at Anonymous function (http://localhost:5000/:34:7)\n            at Array.prototype.map (native code)\n            at test (http://localhost:5000/:33:5)\n            at eval code (eval code:1:1)\n            at aha (http://localhost:5000/:39:5)\n            at Foo.prototype.testMethod (http://localhost:5000/:44:7)\n            at Anonymous function (http://localhost:5000/:50:8)',
    frames: [
      ['aha', L5000, 19, 7],
      ['callAnotherThing', L5000, 18, 6],
      ['callback', L5000, 25, 7],
      ['Anonymous function', L5000, 34, 7],
      ['Array.prototype.map', 'native code'],
      ['test', L5000, 33, 5],
      ['eval code', 'eval code', 1, 1],
      ['aha', L5000, 39, 5],
      ['Foo.prototype.testMethod', L5000, 44, 7],
      ['Anonymous function', L5000, 50, 8],
    ],
  },
  {
    engine: 'Internet Explorer 10',
    source: 'esp',
    stack:
      "TypeError: Unable to get property 'undef' of undefined or null reference\n   at Anonymous function (http://path/to/file.js:48:13)\n   at foo (http://path/to/file.js:46:9)\n   at bar (http://path/to/file.js:82:1)",
    frames: [
      ['Anonymous function', FILE, 48, 13],
      ['foo', FILE, 46, 9],
      ['bar', FILE, 82, 1],
    ],
  },
  {
    engine: 'Internet Explorer 11',
    source: 'esp',
    stack:
      "TypeError: Unable to get property 'undef' of undefined or null reference\n   at Anonymous function (http://path/to/file.js:47:21)\n   at foo (http://path/to/file.js:45:13)\n   at bar (http://path/to/file.js:108:1)",
    frames: [
      ['Anonymous function', FILE, 47, 21],
      ['foo', FILE, 45, 13],
      ['bar', FILE, 108, 1],
    ],
  },
  {
    engine: 'Internet Explorer 11, eval',
    source: 'sentry',
    stack:
      "ReferenceError: 'getExceptionProps' is undefined\n   at eval code (eval code:1:1)\n   at foo (http://path/to/file.js:58:17)\n   at bar (http://path/to/file.js:109:1)",
    frames: [
      ['eval code', 'eval code', 1, 1],
      ['foo', FILE, 58, 17],
      ['bar', FILE, 109, 1],
    ],
  },

  // ---- SpiderMonkey: Firefox 3 to now ----
  {
    engine: 'Firefox 3 (arguments, no columns)',
    source: 'sentry',
    stack:
      '()@http://127.0.0.1:8000/js/stacktrace.js:44\n(null)@http://127.0.0.1:8000/js/stacktrace.js:31\nprintStackTrace()@http://127.0.0.1:8000/js/stacktrace.js:18\nbar(1)@http://127.0.0.1:8000/js/file.js:13\nbar(2)@http://127.0.0.1:8000/js/file.js:16\nfoo()@http://127.0.0.1:8000/js/file.js:20\n@http://127.0.0.1:8000/js/file.js:24\n',
    frames: [
      ['?', 'http://127.0.0.1:8000/js/stacktrace.js', 44],
      ['?', 'http://127.0.0.1:8000/js/stacktrace.js', 31],
      ['printStackTrace', 'http://127.0.0.1:8000/js/stacktrace.js', 18],
      ['bar', 'http://127.0.0.1:8000/js/file.js', 13],
      ['bar', 'http://127.0.0.1:8000/js/file.js', 16],
      ['foo', 'http://127.0.0.1:8000/js/file.js', 20],
      ['?', 'http://127.0.0.1:8000/js/file.js', 24],
    ],
  },
  {
    engine: 'Firefox 7, file: URLs',
    source: 'sentry',
    stack:
      '()@file:///G:/js/stacktrace.js:44\n(null)@file:///G:/js/stacktrace.js:31\nprintStackTrace()@file:///G:/js/stacktrace.js:18\nbar(1)@file:///G:/js/file.js:13\nbar(2)@file:///G:/js/file.js:16\nfoo()@file:///G:/js/file.js:20\n@file:///G:/js/file.js:24\n',
    frames: [
      ['?', 'file:///G:/js/stacktrace.js', 44],
      ['?', 'file:///G:/js/stacktrace.js', 31],
      ['printStackTrace', 'file:///G:/js/stacktrace.js', 18],
      ['bar', 'file:///G:/js/file.js', 13],
      ['bar', 'file:///G:/js/file.js', 16],
      ['foo', 'file:///G:/js/file.js', 20],
      ['?', 'file:///G:/js/file.js', 24],
    ],
  },
  {
    engine: 'Firefox 14',
    source: 'sentry',
    stack: '@http://path/to/file.js:48\ndumpException3@http://path/to/file.js:52\nonclick@http://path/to/file.js:1\n',
    frames: [
      ['?', FILE, 48],
      ['dumpException3', FILE, 52],
      ['onclick', FILE, 1],
    ],
  },
  {
    engine: 'Firefox 31',
    source: 'sentry',
    stack:
      'foo@http://path/to/file.js:41:13\nbar@http://path/to/file.js:1:1\n.plugin/e.fn[c]/<@http://path/to/file.js:1:1\n',
    frames: [
      ['foo', FILE, 41, 13],
      ['bar', FILE, 1, 1],
      ['.plugin/e.fn[c]/<', FILE, 1, 1],
    ],
  },
  {
    engine: 'Firefox 43, nested eval',
    source: 'esp',
    stack:
      'baz@http://localhost:8080/file.js line 26 > eval line 2 > eval:1:30\nfoo@http://localhost:8080/file.js line 26 > eval:2:96\n@http://localhost:8080/file.js line 26 > eval:4:18\nspeak@http://localhost:8080/file.js:26:17\n@http://localhost:8080/file.js:33:9',
    frames: [
      ['baz', L8080, 26],
      ['foo', L8080, 26],
      ['?', L8080, 26],
      ['speak', L8080, 26, 17],
      ['?', L8080, 33, 9],
    ],
  },
  {
    engine: 'Firefox 43, @ in the function name',
    source: 'esp',
    stack: 'obj["@fn"]@Scratchpad/1:10:29\n@Scratchpad/1:11:1\n',
    frames: [
      ['obj["@fn"]', 'Scratchpad/1', 10, 29],
      ['?', 'Scratchpad/1', 11, 1],
    ],
  },
  {
    engine: 'Firefox 44, NS_ERROR exception',
    source: 'sentry',
    stack:
      '[2]</Bar.prototype._baz/</<@http://path/to/file.js:703:28\nApp.prototype.foo@file:///path/to/file.js:15:2\nbar@file:///path/to/file.js:20:3\n@file:///path/to/index.html:23:1\n',
    frames: [
      ['[2]</Bar.prototype._baz/</<', FILE, 703, 28],
      ['App.prototype.foo', 'file:///path/to/file.js', 15, 2],
      ['bar', 'file:///path/to/file.js', 20, 3],
      ['?', 'file:///path/to/index.html', 23, 1],
    ],
  },
  {
    engine: 'Firefox 50, resource: URLs',
    source: 'sentry',
    stack:
      'render@resource://path/data/content/bundle.js:5529:16\ndispatchEvent@resource://path/data/content/vendor.bundle.js:18:23028\nwrapped@resource://path/data/content/bundle.js:7270:25',
    frames: [
      ['render', 'resource://path/data/content/bundle.js', 5529, 16],
      ['dispatchEvent', 'resource://path/data/content/vendor.bundle.js', 18, 23028],
      ['wrapped', 'resource://path/data/content/bundle.js', 7270, 25],
    ],
  },
  {
    engine: 'Firefox 60, @ in the URL',
    source: 'esp',
    stack:
      'who@http://localhost:5000/misc/@stuff/foo.js:3:9\nwhat@http://localhost:5000/misc/@stuff/foo.js:6:3\nwhere@http://localhost:5000/misc/@stuff/foo.js:9:3\nwhy@http://localhost:5000/misc/@stuff/foo.js:12:3\n@http://localhost:5000/misc/@stuff/foo.js:15:1\n',
    frames: [
      ['who', AT_STUFF, 3, 9],
      ['what', AT_STUFF, 6, 3],
      ['where', AT_STUFF, 9, 3],
      ['why', AT_STUFF, 12, 3],
      ['?', AT_STUFF, 15, 1],
    ],
  },
  {
    engine: 'Firefox 60, @ in the URL and the function name',
    source: 'esp',
    stack:
      'obj["@who"]@http://localhost:5000/misc/@stuff/foo.js:4:9\nwhat@http://localhost:5000/misc/@stuff/foo.js:8:3\nwhere@http://localhost:5000/misc/@stuff/foo.js:11:3\nwhy@http://localhost:5000/misc/@stuff/foo.js:14:3\n@http://localhost:5000/misc/@stuff/foo.js:17:1\n',
    frames: [
      ['obj["@who"]', AT_STUFF, 4, 9],
      ['what', AT_STUFF, 8, 3],
      ['where', AT_STUFF, 11, 3],
      ['why', AT_STUFF, 14, 3],
      ['?', AT_STUFF, 17, 1],
    ],
  },
  {
    engine: 'Firefox 66, native frames left out',
    source: 'sentry',
    stack:
      'fooIterator@http://localhost:5000/test:20:17\n          foo@http://localhost:5000/test:19:19\n          @http://localhost:5000/test:24:7',
    frames: [
      ['fooIterator', L5000_TEST, 20, 17],
      ['foo', L5000_TEST, 19, 19],
      ['?', L5000_TEST, 24, 7],
    ],
  },
  {
    engine: 'Firefox 66, eval',
    source: 'sentry',
    stack:
      'aha@http://localhost:5000/:19:13\n          callAnotherThing@http://localhost:5000/:20:15\n          callback@http://localhost:5000/:25:7\n          test/<@http://localhost:5000/:34:7\n          test@http://localhost:5000/:33:23\n          @http://localhost:5000/ line 39 > eval:1:1\n          aha@http://localhost:5000/:39:5\n          testMethod@http://localhost:5000/:44:7\n          @http://localhost:5000/:50:19',
    frames: [
      ['aha', L5000, 19, 13],
      ['callAnotherThing', L5000, 20, 15],
      ['callback', L5000, 25, 7],
      ['test/<', L5000, 34, 7],
      ['test', L5000, 33, 23],
      ['?', L5000, 39],
      ['aha', L5000, 39, 5],
      ['testMethod', L5000, 44, 7],
      ['?', L5000, 50, 19],
    ],
  },
  {
    engine: 'Firefox, parentheses and brackets in URLs',
    source: 'sentry',
    stack:
      'onClick@http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js:1:644\n@http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js:1:126',
    frames: [
      ['onClick', 'http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js', 1, 644],
      ['?', 'http://localhost:3002/_next/static/chunks/app/(group)/[route]/script.js', 1, 126],
    ],
  },
  {
    engine: 'Firefox, minified bundles',
    source: 'sentry',
    stack:
      'us@https://www.random_website.com/vendor.d1cae9cfc9917df88de7.js:1:296021\ndetectChanges@https://www.random_website.com/vendor.d1cae9cfc9917df88de7.js:1:333807\nhandleProfileResult@https://www.random_website.com/main.4a4119c3cdfd10266d84.js:146:1018410\n',
    frames: [
      ['us', 'https://www.random_website.com/vendor.d1cae9cfc9917df88de7.js', 1, 296021],
      ['detectChanges', 'https://www.random_website.com/vendor.d1cae9cfc9917df88de7.js', 1, 333807],
      ['handleProfileResult', 'https://www.random_website.com/main.4a4119c3cdfd10266d84.js', 146, 1018410],
    ],
  },

  // ---- JavaScriptCore: Safari 6 to now, React Native on JSC ----
  {
    engine: 'Safari 6',
    source: 'sentry',
    stack:
      '@http://path/to/file.js:48\ndumpException3@http://path/to/file.js:52\nonclick@http://path/to/file.js:82\n[native code]',
    frames: [
      ['?', FILE, 48],
      ['dumpException3', FILE, 52],
      ['onclick', FILE, 82],
      ['?', '[native code]'],
    ],
  },
  {
    engine: 'Safari 7',
    source: 'sentry',
    stack: 'http://path/to/file.js:48:22\nfoo@http://path/to/file.js:52:15\nbar@http://path/to/file.js:108:107',
    frames: [
      ['?', FILE, 48, 22],
      ['foo', FILE, 52, 15],
      ['bar', FILE, 108, 107],
    ],
  },
  {
    engine: 'Safari 8',
    source: 'sentry',
    stack: 'http://path/to/file.js:47:22\nfoo@http://path/to/file.js:52:15\nbar@http://path/to/file.js:108:23',
    frames: [
      ['?', FILE, 47, 22],
      ['foo', FILE, 52, 15],
      ['bar', FILE, 108, 23],
    ],
  },
  {
    engine: 'Safari 8, eval',
    source: 'sentry',
    stack: 'eval code\neval@[native code]\nfoo@http://path/to/file.js:58:21\nbar@http://path/to/file.js:109:91',
    frames: [
      ['eval', '[native code]'],
      ['foo', FILE, 58, 21],
      ['bar', FILE, 109, 91],
    ],
  },
  {
    engine: 'Safari 9, nested eval',
    source: 'esp',
    stack:
      'baz\nfoo\neval code\neval@[native code]\nspeak@http://localhost:8080/file.js:26:21\nglobal code@http://localhost:8080/file.js:33:18',
    frames: [
      ['eval', '[native code]'],
      ['speak', L8080, 26, 21],
      ['global code', L8080, 33, 18],
    ],
  },
  {
    engine: 'Safari 12, native frames',
    source: 'sentry',
    stack:
      'fooIterator@http://localhost:5000/test:20:26\n          map@[native code]\n          foo@http://localhost:5000/test:19:22\n          global code@http://localhost:5000/test:24:10',
    frames: [
      ['fooIterator', L5000_TEST, 20, 26],
      ['map', '[native code]'],
      ['foo', L5000_TEST, 19, 22],
      ['global code', L5000_TEST, 24, 10],
    ],
  },
  {
    engine: 'Safari 12, eval',
    source: 'sentry',
    stack:
      'aha@http://localhost:5000/:19:22\n          aha@[native code]\n          callAnotherThing@http://localhost:5000/:20:16\n          callback@http://localhost:5000/:25:23\n          http://localhost:5000/:34:25\n          map@[native code]\n          test@http://localhost:5000/:33:26\n          eval code\n          eval@[native code]\n          aha@http://localhost:5000/:39:9\n          testMethod@http://localhost:5000/:44:10\n          http://localhost:5000/:50:29',
    frames: [
      ['aha', L5000, 19, 22],
      ['aha', '[native code]'],
      ['callAnotherThing', L5000, 20, 16],
      ['callback', L5000, 25, 23],
      ['?', L5000, 34, 25],
      ['map', '[native code]'],
      ['test', L5000, 33, 26],
      ['eval', '[native code]'],
      ['aha', L5000, 39, 9],
      ['testMethod', L5000, 44, 10],
      ['?', L5000, 50, 29],
    ],
  },
  {
    engine: 'Safari, parentheses and brackets in URLs',
    source: 'sentry',
    stack:
      '@http://localhost:3000/(group)/[route]/script.js:1:131\nglobal code@http://localhost:3000/(group)/[route]/script.js:1:334',
    frames: [
      ['?', 'http://localhost:3000/(group)/[route]/script.js', 1, 131],
      ['global code', 'http://localhost:3000/(group)/[route]/script.js', 1, 334],
    ],
  },
  {
    engine: 'Safari, safari-extension:// frames only',
    source: 'sentry',
    stack:
      'isClaimed@safari-extension://com.grammarly.safari.extension.ext2-W8F64X92K3/ee7759dd/Grammarly.js:2:929865\n        safari-extension://com.grammarly.safari.extension.ext2-W8F64X92K3/ee7759dd/Grammarly.js:2:1588410\n        promiseReactionJob@[native code]',
    frames: [
      ['isClaimed', GRAMMARLY, 2, 929865],
      ['?', GRAMMARLY, 2, 1588410],
      ['promiseReactionJob', '[native code]'],
    ],
  },
  {
    engine: 'Safari, safari-web-extension:// frames only',
    source: 'sentry',
    stack:
      'p_@safari-web-extension://46434E60-F5BD-48A4-80C8-A422C5D16897/scripts/content-script.js:29:33314\n      safari-web-extension://46434E60-F5BD-48A4-80C8-A422C5D16897/scripts/content-script.js:29:56027\n      promiseReactionJob@[native code]',
    frames: [
      ['p_', CONTENT_SCRIPT, 29, 33314],
      ['?', CONTENT_SCRIPT, 29, 56027],
      ['promiseReactionJob', '[native code]'],
    ],
  },
  {
    engine: 'React Native on JavaScriptCore, Android production',
    source: 'sentry',
    stack:
      'value@index.android.bundle:12:1917\nonPress@index.android.bundle:12:2336\ntouchableHandlePress@index.android.bundle:258:1497\n[native code]\n_performSideEffectsForTransition@index.android.bundle:252:8508\n[native code]\n_receiveSignal@index.android.bundle:252:7291\n[native code]\ntouchableHandleResponderRelease@index.android.bundle:252:4735\n[native code]\nu@index.android.bundle:79:142\ninvokeGuardedCallback@index.android.bundle:79:459\ninvokeGuardedCallbackAndCatchFirstError@index.android.bundle:79:580\nc@index.android.bundle:95:365\na@index.android.bundle:95:567\nv@index.android.bundle:146:501\ng@index.android.bundle:146:604\nforEach@[native code]\ni@index.android.bundle:149:80\nprocessEventQueue@index.android.bundle:146:1432\ns@index.android.bundle:157:88\nhandleTopLevel@index.android.bundle:157:174\nindex.android.bundle:156:572\na@index.android.bundle:93:276\nc@index.android.bundle:93:60\nperform@index.android.bundle:177:596\nbatchedUpdates@index.android.bundle:188:464\ni@index.android.bundle:176:358\ni@index.android.bundle:93:90\nu@index.android.bundle:93:150\n_receiveRootNodeIDEvent@index.android.bundle:156:544\nreceiveTouches@index.android.bundle:156:918\nvalue@index.android.bundle:29:3016\nindex.android.bundle:29:955\nvalue@index.android.bundle:29:2417\nvalue@index.android.bundle:29:927\n[native code]',
    frames: [
      ['value', RN, 12, 1917],
      ['onPress', RN, 12, 2336],
      ['touchableHandlePress', RN, 258, 1497],
      ['?', '[native code]'],
      ['_performSideEffectsForTransition', RN, 252, 8508],
      ['?', '[native code]'],
      ['_receiveSignal', RN, 252, 7291],
      ['?', '[native code]'],
      ['touchableHandleResponderRelease', RN, 252, 4735],
      ['?', '[native code]'],
      ['u', RN, 79, 142],
      ['invokeGuardedCallback', RN, 79, 459],
      ['invokeGuardedCallbackAndCatchFirstError', RN, 79, 580],
      ['c', RN, 95, 365],
      ['a', RN, 95, 567],
      ['v', RN, 146, 501],
      ['g', RN, 146, 604],
      ['forEach', '[native code]'],
      ['i', RN, 149, 80],
      ['processEventQueue', RN, 146, 1432],
      ['s', RN, 157, 88],
      ['handleTopLevel', RN, 157, 174],
      ['?', RN, 156, 572],
      ['a', RN, 93, 276],
      ['c', RN, 93, 60],
      ['perform', RN, 177, 596],
      ['batchedUpdates', RN, 188, 464],
      ['i', RN, 176, 358],
      ['i', RN, 93, 90],
      ['u', RN, 93, 150],
      ['_receiveRootNodeIDEvent', RN, 156, 544],
      ['receiveTouches', RN, 156, 918],
      ['value', RN, 29, 3016],
      ['?', RN, 29, 955],
      ['value', RN, 29, 2417],
      ['value', RN, 29, 927],
      ['?', '[native code]'],
    ],
  },
  {
    engine: 'React Native, Expo bundle',
    source: 'sentry',
    stack: `onPress@${EXPO}:595:658\n          value@${EXPO}:221:7656\n          onResponderRelease@${EXPO}:221:5666\n          p@${EXPO}:96:385\n          forEach@[native code]`,
    frames: [
      ['onPress', EXPO, 595, 658],
      ['value', EXPO, 221, 7656],
      ['onResponderRelease', EXPO, 221, 5666],
      ['p', EXPO, 96, 385],
      ['forEach', '[native code]'],
    ],
  },

  // ---- Captured here: Chromium 156 (Debian) and Node 20 ----
  {
    engine: 'Chromium 156, wasm trap through demangled Rust and C++ symbols (name section)',
    source: 'captured',
    stack:
      'RuntimeError: unreachable\n    at <alloc::vec::Vec<T> as core::ops::drop::Drop>::drop (http://127.0.0.1:8000/names.wasm:wasm-function[0]:0x24)\n    at <[T] as core::slice::sort::stable::BufGuard<T>>::with_capacity (http://127.0.0.1:8000/names.wasm:wasm-function[1]:0x28)\n    at emscripten::internal::MethodInvoker<int (MyClass::*)(int) const, int, MyClass const*, int>::invoke(int (MyClass::* const&)(int) const, MyClass const*, int) (http://127.0.0.1:8000/names.wasm:wasm-function[2]:0x2d)\n    at marco_core::canvas::Stroke::commit::{{closure}} (http://127.0.0.1:8000/names.wasm:wasm-function[3]:0x32)\n    at http://127.0.0.1:8000/names.wasm:wasm-function[4]:0x37\n    at commit (http://127.0.0.1:8000/app.js:18:75)\n    at stackOf (http://127.0.0.1:8000/app.js:4:11)\n    at window.captureStacks (http://127.0.0.1:8000/app.js:18:21)\n    at async <anonymous>:381:23',
    frames: [
      [S.drop, NAMES_WASM, u, u, 0, '0x24'],
      [S.slice, NAMES_WASM, u, u, 1, '0x28'],
      [S.invoke, NAMES_WASM, u, u, 2, '0x2d'],
      [S.closure, NAMES_WASM, u, u, 3, '0x32'],
      ['?', NAMES_WASM, u, u, 4, '0x37'],
      ['commit', APP_JS, 18, 75],
      ['stackOf', APP_JS, 4, 11],
      ['window.captureStacks', APP_JS, 18, 21],
      ['?', '<anonymous>', 381, 23],
    ],
  },
  {
    engine: 'Chromium 156, constructor in a URL with @, parentheses and brackets',
    source: 'captured',
    stack:
      'TypeError: odd\n    at new fromOddUrl (http://127.0.0.1:8000/@marco/pkg@1.2.3/(group)/[route]/lib.js:2:25)\n    at http://127.0.0.1:8000/app.js:20:33\n    at stackOf (http://127.0.0.1:8000/app.js:4:11)\n    at window.captureStacks (http://127.0.0.1:8000/app.js:20:19)\n    at async <anonymous>:381:23',
    frames: [
      ['new fromOddUrl', LOCAL + '/@marco/pkg@1.2.3/(group)/[route]/lib.js', 2, 25],
      ['?', APP_JS, 20, 33],
      ['stackOf', APP_JS, 4, 11],
      ['window.captureStacks', APP_JS, 20, 19],
      ['?', '<anonymous>', 381, 23],
    ],
  },
  {
    engine: 'Chromium 156, eval inside async functions',
    source: 'captured',
    stack:
      'Error: from eval\n    at evaluated (eval at later (http://127.0.0.1:8000/app.js:15:5), <anonymous>:1:31)\n    at eval (eval at later (http://127.0.0.1:8000/app.js:15:5), <anonymous>:1:56)\n    at later (http://127.0.0.1:8000/app.js:15:5)\n    at async outer (http://127.0.0.1:8000/app.js:21:55)\n    at async stackOf (http://127.0.0.1:8000/app.js:4:5)\n    at async window.captureStacks (http://127.0.0.1:8000/app.js:21:16)\n    at async <anonymous>:381:23',
    frames: [
      ['evaluated', APP_JS, 15, 5],
      ['eval', APP_JS, 15, 5],
      ['later', APP_JS, 15, 5],
      ['outer', APP_JS, 21, 55],
      ['stackOf', APP_JS, 4, 5],
      ['window.captureStacks', APP_JS, 21, 16],
      ['?', '<anonymous>', 381, 23],
    ],
  },
  {
    engine: 'Node 20, wasm trap instantiated from bytes (wasm://wasm/ URL)',
    source: 'captured',
    stack:
      'RuntimeError: unreachable\n    at <alloc::vec::Vec<T> as core::ops::drop::Drop>::drop (wasm://wasm/b2a24692:wasm-function[0]:0x24)\n    at <[T] as core::slice::sort::stable::BufGuard<T>>::with_capacity (wasm://wasm/b2a24692:wasm-function[1]:0x28)\n    at emscripten::internal::MethodInvoker<int (MyClass::*)(int) const, int, MyClass const*, int>::invoke(int (MyClass::* const&)(int) const, MyClass const*, int) (wasm://wasm/b2a24692:wasm-function[2]:0x2d)\n    at marco_core::canvas::Stroke::commit::{{closure}} (wasm://wasm/b2a24692:wasm-function[3]:0x32)\n    at wasm://wasm/b2a24692:wasm-function[4]:0x37\n    at /work/main/packages/crash-reporter/src/zzprobe.test.ts:7:27\n    at async file:///work/main/node_modules/.pnpm/@vitest+runner@4.1.12/node_modules/@vitest/runner/dist/chunk-artifact.js:1903:20',
    frames: [
      [S.drop, 'wasm://wasm/b2a24692', u, u, 0, '0x24'],
      [S.slice, 'wasm://wasm/b2a24692', u, u, 1, '0x28'],
      [S.invoke, 'wasm://wasm/b2a24692', u, u, 2, '0x2d'],
      [S.closure, 'wasm://wasm/b2a24692', u, u, 3, '0x32'],
      ['?', 'wasm://wasm/b2a24692', u, u, 4, '0x37'],
      ['?', '/work/main/packages/crash-reporter/src/zzprobe.test.ts', 7, 27],
      [
        '?',
        'file:///work/main/node_modules/.pnpm/@vitest+runner@4.1.12/node_modules/@vitest/runner/dist/chunk-artifact.js',
        1903,
        20,
      ],
    ],
  },

  // ---- WebAssembly frames of Marco's Rust/C++ core, in each engine's syntax ----
  {
    engine: 'Chrome, wasm with demangled Rust and C++ symbols',
    source: 'marco',
    stack: `RuntimeError: unreachable
    at ${S.drop} (${CORE_WASM}:wasm-function[0]:0x4a)
    at ${S.slice} (${CORE_WASM}:wasm-function[1]:0x4f)
    at ${S.invoke} (${CORE_WASM}:wasm-function[2]:0x54)
    at ${S.closure} (${CORE_WASM}:wasm-function[3]:0x59)
    at commit (https://app.example/main.js:5:50588)`,
    frames: [
      [S.drop, CORE_WASM, u, u, 0, '0x4a'],
      [S.slice, CORE_WASM, u, u, 1, '0x4f'],
      [S.invoke, CORE_WASM, u, u, 2, '0x54'],
      [S.closure, CORE_WASM, u, u, 3, '0x59'],
      ['commit', 'https://app.example/main.js', 5, 50588],
    ],
  },
  {
    engine: 'Firefox, wasm with demangled Rust and C++ symbols',
    source: 'marco',
    stack: `${S.drop}@${CORE_WASM}:wasm-function[0]:0x4a
${S.slice}@${CORE_WASM}:wasm-function[1]:0x4f
${S.invoke}@${CORE_WASM}:wasm-function[2]:0x54
${S.closure}@${CORE_WASM}:wasm-function[3]:0x59
commit@https://app.example/main.js:5:50588
`,
    frames: [
      [S.drop, CORE_WASM, u, u, 0, '0x4a'],
      [S.slice, CORE_WASM, u, u, 1, '0x4f'],
      [S.invoke, CORE_WASM, u, u, 2, '0x54'],
      [S.closure, CORE_WASM, u, u, 3, '0x59'],
      ['commit', 'https://app.example/main.js', 5, 50588],
    ],
  },
  {
    engine: 'Firefox, wasm instantiated from bytes (the instantiate call is the URL)',
    source: 'marco',
    stack: `${S.drop}@https://app.example/main.js line 12 > WebAssembly.instantiate:wasm-function[0]:0x4a
${S.invoke}@https://app.example/main.js line 12 > WebAssembly.instantiate:wasm-function[2]:0x54
commit@https://app.example/main.js:5:50588
`,
    frames: [
      [S.drop, 'https://app.example/main.js', u, u, 0, '0x4a'],
      [S.invoke, 'https://app.example/main.js', u, u, 2, '0x54'],
      ['commit', 'https://app.example/main.js', 5, 50588],
    ],
  },
  {
    engine: 'Safari, wasm frames by index and by symbol',
    source: 'marco',
    stack: `<?>.wasm-function[0]@[wasm code]
<?>.wasm-function[${S.invoke}]@[wasm code]
wasm-stub@[wasm code]
commit@https://app.example/main.js:5:50588`,
    frames: [
      ['<?>.wasm-function[0]', '[wasm code]', u, u, 0],
      [`<?>.wasm-function[${S.invoke}]`, '[wasm code]'],
      ['wasm-stub', '[wasm code]'],
      ['commit', 'https://app.example/main.js', 5, 50588],
    ],
  },
  {
    engine: 'Older V8, <WASM>[index]+offset frames',
    source: 'marco',
    stack:
      'RuntimeError: unreachable\n    at <WASM UNNAMED> (<WASM>[42]+6699)\n    at commit (https://app.example/main.js:5:50588)',
    frames: [
      ['<WASM UNNAMED>', '<WASM>[42]+6699', u, u, 42, '0x1a2b'],
      ['commit', 'https://app.example/main.js', 5, 50588],
    ],
  },
]
