import { lazy, Suspense, type ReactNode } from 'react'
import { Route, Routes } from 'react-router'
import { AssessmentListPage } from './assessment/AssessmentListPage'
import { AssessmentPage } from './assessment/AssessmentPage'
import { InvitePage } from './auth/InvitePage'
import { LoginPage } from './auth/LoginPage'
import { IncidentListPage } from './incident/IncidentListPage'
import { IncidentPage } from './incident/IncidentPage'
import { SupervisionIncidentPage } from './incident/SupervisionIncidentPage'
import { SupervisionInboxPage } from './incident/SupervisionInboxPage'
import { NotFoundPage } from './common/NotFoundPage'
import { DashboardPage } from './dashboard/DashboardPage'
import { MembersPage } from './members/MembersPage'
import { RemediationPage } from './remediation/RemediationPage'
import { RequireSession } from './shell/AppLayout'
import { PageLoader } from './common/PageLoader'

// The screens of supervision rounds load on first use: most users never open them, and the main
// bundle stays under its size budget (vite.config.ts).
const RoundListPage = lazy(() => import('./supervision/RoundListPage').then((m) => ({ default: m.RoundListPage })))
const RoundFormPage = lazy(() => import('./supervision/RoundFormPage').then((m) => ({ default: m.RoundFormPage })))
const RoundPage = lazy(() => import('./supervision/RoundPage').then((m) => ({ default: m.RoundPage })))
const InstitutionInRoundPage = lazy(() => import('./supervision/InstitutionInRoundPage').then((m) => ({ default: m.InstitutionInRoundPage })))
const MyRoundPage = lazy(() => import('./supervision/MyRoundPage').then((m) => ({ default: m.MyRoundPage })))
const FeedbackPage = lazy(() => import('./supervision/FeedbackPage').then((m) => ({ default: m.FeedbackPage })))

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageLoader />}>{children}</Suspense>
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/invite/:token" element={<InvitePage />} />
      <Route element={<RequireSession />}>
        <Route index element={<DashboardPage />} />
        <Route path="assessments" element={<AssessmentListPage />} />
        <Route path="assessments/:id" element={<AssessmentPage />} />
        <Route path="assessments/:id/:tab" element={<AssessmentPage />} />
        <Route path="remediation" element={<RemediationPage />} />
        <Route path="incidents" element={<IncidentListPage />} />
        <Route path="incidents/:id" element={<IncidentPage />} />
        <Route path="supervision/incidents" element={<SupervisionInboxPage />} />
        <Route path="supervision/incidents/:id" element={<SupervisionIncidentPage />} />
        <Route path="supervision/rounds" element={<Lazy><RoundListPage /></Lazy>} />
        <Route path="supervision/rounds/new" element={<Lazy><RoundFormPage /></Lazy>} />
        <Route path="supervision/rounds/:id" element={<Lazy><RoundPage /></Lazy>} />
        <Route path="supervision/rounds/:id/edit" element={<Lazy><RoundFormPage /></Lazy>} />
        <Route path="supervision/rounds/:id/institutions/:orgId" element={<Lazy><InstitutionInRoundPage /></Lazy>} />
        <Route path="rounds/:id" element={<Lazy><MyRoundPage /></Lazy>} />
        <Route path="rounds/:id/feedback" element={<Lazy><FeedbackPage /></Lazy>} />
        <Route path="members" element={<MembersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
