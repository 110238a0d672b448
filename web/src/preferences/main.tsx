import { createRoot } from 'react-dom/client';
import '../shared/base.css';

// The preference centre is built in the next commits (issue 13); until then the page says so.
createRoot(document.getElementById('root')!).render(<main><h1>Your preferences</h1><p>This page is not available yet.</p></main>);
