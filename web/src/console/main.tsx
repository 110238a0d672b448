import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './console.css';
import { App } from './app';
import { completeSignIn } from './sign-in';

/** Finishes a sign-in the identity provider sent back, then shows the console. */
async function start(): Promise<void> {
  let signInError: string | null = null;
  try {
    const returnTo = await completeSignIn();
    if (returnTo) history.replaceState(null, '', returnTo);
  } catch (error) {
    signInError = error instanceof Error ? error.message : String(error);
  }
  createRoot(document.getElementById('root')!).render(<App signInError={signInError} />);
}

void start();
