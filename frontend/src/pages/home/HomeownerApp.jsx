export default function HomeownerApp() {
  return <main className="page" data-testid="homeowner-app"><h1>Dashboard</h1></main>;
}
