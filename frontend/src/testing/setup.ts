import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetSessionForTests } from '@/lib/session';

// The routes are lazy chunks that Vite transforms on first import; on a busy shared machine that
// alone can pass the default 1 s of findBy*/waitFor. Waiting longer changes no outcome.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  resetSessionForTests();
  document.cookie.split(';').forEach((cookie) => {
    const name = cookie.split('=')[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });
});
