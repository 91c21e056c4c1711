import { render } from 'preact';
import { App } from './app';
import { store } from './store';
import './styles.css';

store.restore();
render(<App />, document.getElementById('app')!);
