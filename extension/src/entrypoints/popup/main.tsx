import { render } from 'preact';
import { App } from './app.tsx';
import { readCounts } from './read-counts.ts';
import './style.css';

// Started before the first render, so the database opens and reads while the page lays out.
const counts = readCounts(new Date());
const root = document.getElementById('app');
if (root) render(<App countsRead={counts} />, root);
