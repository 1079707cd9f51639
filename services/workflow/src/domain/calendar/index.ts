export {
  addWorkingDays,
  calendarCovers,
  calendarCoversRange,
  holidayYears,
  useHolidayYears,
  isWorkingDay,
  workingDaysBetween,
} from './calendar';
export { HOLIDAY_YEARS, type HolidayArrangement, type HolidayYear } from './holidays';
export {
  dueAt,
  isOverdue,
  OFFICE_HOURS,
  reminderAt,
  workingDaysTaken,
  workingHoursBetween,
  type OfficeHours,
} from './service-level';
export { checkHolidayYear, type CalendarViolation } from './holiday-year-check';
