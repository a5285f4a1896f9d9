import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { restoreSession } from './lib/session';
import './index.css';

// On a page load the access token is gone (memory only): if this browser holds a session, trade
// the refresh cookie for a new one while React renders its first frame.
void restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
