import './boot.js';
import { render } from 'preact';
import { App } from './app.js';
import { applyDocumentLang } from './i18n/index.js';
import './styles.css';

applyDocumentLang();
const root = document.getElementById('app');
if (root) render(<App />, root);
