import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createAppStore } from './store/app-store.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/dashboard.css';
import './styles/certificate.css';
import './styles/wizard.css';
import './styles/admin.css';

const container = document.getElementById('root');
if (container === null) throw new Error('Unable to start the renderer, index.html has no #root');

createRoot(container).render(
  <StrictMode>
    <App store={createAppStore(window.certdesk)} />
  </StrictMode>,
);
