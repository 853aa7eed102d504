import { render } from 'preact';
import { getDb } from '../../db/connection.ts';
import { countAnnotations } from '../../db/counts.ts';
import { App } from './app.tsx';
import './style.css';

// Started before the first render, so the database opens and reads while the page lays out.
const counts = countAnnotations(getDb(), new Date());
const root = document.getElementById('app');
if (root) render(<App countsRead={counts} />, root);
