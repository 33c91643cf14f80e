// Evaluated before the rest of the app (main.tsx imports it first): a mediation link is looked up while the app's
// modules are still being evaluated.
import { inspectEarly } from './views/linkInspect.js';

inspectEarly();
