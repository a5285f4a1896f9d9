import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { Match } from '@/types/api';

type Celebration = {
  /** Shows "It's a match!" once per match, whether it came from our swipe or the event stream. */
  celebrate: (match: Match) => void;
  current: Match | null;
};

// Rarely shown, so fetched on demand (it brings the photo and blurhash code with it).
const MatchDialog = lazy(() =>
  import('@/features/discover/components/match-dialog').then((m) => ({ default: m.MatchDialog })),
);

const CelebrationContext = createContext<Celebration>({ celebrate: () => {}, current: null });

export function useMatchCelebration(): Celebration {
  return useContext(CelebrationContext);
}

export function MatchCelebrationProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [current, setCurrent] = useState<Match | null>(null);
  const celebrated = useRef(new Set<number>());

  const celebrate = useCallback((match: Match) => {
    if (celebrated.current.has(match.id)) return;
    celebrated.current.add(match.id);
    setCurrent(match);
  }, []);
  const close = useCallback(() => setCurrent(null), []);
  const value = useMemo(() => ({ celebrate, current }), [celebrate, current]);

  return (
    <CelebrationContext.Provider value={value}>
      {children}
      {current && (
        <Suspense fallback={null}>
        <MatchDialog
          match={current}
          onClose={close}
          onMessage={(matchId) => {
            setCurrent(null);
            void navigate(`/matches/${matchId}`);
          }}
        />
        </Suspense>
      )}
    </CelebrationContext.Provider>
  );
}
