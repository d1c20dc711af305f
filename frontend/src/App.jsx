import { match, useLocationPath, Redirect } from './lib/router.jsx';
import DoorPage from './pages/visitor/DoorPage.jsx';
import HomePage from './pages/HomePage.jsx';
import DiagnosticsPage from './pages/DiagnosticsPage.jsx';
import HomeownerApp from './pages/home/HomeownerApp.jsx';

export default function App() {
  const path = useLocationPath();
  let params;
  if ((params = match('/d/:slug', path))) return <DoorPage key={params.slug} slug={params.slug} />;
  if (path === '/diagnostics') return <DiagnosticsPage />;
  if (path === '/app' || path.startsWith('/app/')) return <HomeownerApp path={path} />;
  if (path === '/') return <HomePage />;
  return <Redirect to="/" />;
}
