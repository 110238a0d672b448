import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './preferences.css';
import { takeLinkFromAddress } from './link';
import { PreferenceCentre } from './preference-centre';

// A new link opened in this tab while the page is open: start again with it.
window.addEventListener('hashchange', () => {
  takeLinkFromAddress();
  window.location.reload();
});

createRoot(document.getElementById('root')!).render(<PreferenceCentre link={takeLinkFromAddress()} />);
