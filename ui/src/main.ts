import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { startLoading } from './lib/stores';

// Rust is asked for the settings, accounts and codes before the first render, so that the answers
// are on their way while the web view lays out and paints the empty screen.
startLoading();

export default mount(App, { target: document.getElementById('app')! });
