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
        <Route path="members" element={<MembersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
