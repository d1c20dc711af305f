export default function DoorPage({ slug }) {
  return <main className="page narrow" data-testid="door-page"><h1>Door {slug}</h1></main>;
}
